package state

// scenarioMembers: who is a member, and how they got there.
func scenarioMembers(s *script) {
	s.do("", CreateHub{Name: "Casa <Comum> & \"friends\" \\ 🏠\u2028"})
	s.do("", AdmitAdmin{Key: s.who("alice").Key, Name: "alice"})
	s.ids["alice"] = 1
	s.join("alice", "bob")
	s.join("alice", "Ærø Ünïcødé 日本")
	s.do("bob", Rename{Name: "Bob the builder"})

	// A founder code the hub issued, redeemed: its holder is a steward.
	founder := HashCode("founder-code")
	s.do("", CreateInvite{CodeHash: founder, Uses: 2, Founder: true})
	evs := s.do("carol", Join{CodeHash: founder, Name: "carol"})
	s.ids["carol"] = evs[0].Body.(*MemberJoined).Member
	s.do("carol", Rename{Name: `carol "c" <&> \ 🏠`})
	s.do("", RevokeInvite{ID: 3})
	// An invite with an expiry and unlimited uses, revoked by a steward.
	s.do("alice", CreateInvite{CodeHash: HashCode("spare"), Expires: s.clk.t.UnixMilli() + 3600_000})
	s.do("carol", RevokeInvite{ID: 4})

	// Applications: one approved, one rejected.
	s.do("dina", ApplyToJoin{Name: "דינה", Text: escText})
	s.do("eve", ApplyToJoin{Name: "eve", Text: "let me in"})
	evs = s.do("alice", DecideApplication{ID: 1, Approve: true})
	s.ids["dina"] = evs[1].Body.(*MemberJoined).Member
	s.do("carol", DecideApplication{ID: 2, Approve: false})

	// bob offers a second key; a session with it confirms the code.
	code := s.offerKey("bob", "bob-laptop", escLine)
	s.do("bob-laptop", ConfirmKey{CodeHash: code})
	s.do("bob", RenameKey{Ref: "first key", Name: "old desktop"})
	s.do("bob-laptop", RemoveKey{Ref: "old desktop"})
	s.ppl["bob"] = s.who("bob-laptop") // bob goes on with the laptop
	// dina's offer stays pending: the state holds it and its code.
	s.offerKey("dina", "dina-phone", "")

	// Listing and countries.
	s.do("dina", SetListed{Listed: true})
	s.do("dina", SetCountry{Country: "IL"})
	s.do("bob", SetCountry{Country: "PT"})
	s.do("alice", SetCountry{Country: "PT"})
	s.do("bob", SetCountry{Country: "BR"})
	s.do("bob", SetListed{Listed: true})
	s.do("bob", SetListed{Listed: false})

	// Roles by command.
	s.do("alice", SetRole{Member: s.id("dina"), Role: RoleModerator, Grant: true})
	s.do("carol", SetRole{Member: s.id("bob"), Role: RoleTreasurer, Grant: true})
	s.do("alice", SetRole{Member: s.id("dina"), Role: RoleModerator, Grant: false})
	s.do("alice", SetRole{Member: s.id("carol"), Role: RoleSteward, Grant: false})
}
