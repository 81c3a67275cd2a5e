package hubtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/polis-hub/polis/state"
)

// World is a hub with something of everything, and people in each role:
// alice the steward, carol a moderator, bob a plain member, mallory a
// visitor. IDs 1 exist (proposal, space, case, invite, application,
// ledger entry); 99 never does.
type World struct {
	Hub    *state.Hub
	People map[string]*User
}

// Who is the person a row names: "visitor" is mallory.
func (w *World) Who(name string) *User {
	if name == "visitor" {
		name = "mallory"
	}
	return w.People[name]
}

func NewWorld(t testing.TB) *World {
	t.Helper()
	hub := NewHub(t)
	wd := &World{Hub: hub, People: map[string]*User{}}
	for _, n := range []string{"alice", "bob", "carol", "mallory", "dora"} {
		wd.People[n] = NewUser(t, n)
	}
	alice, bob, carol := wd.People["alice"], wd.People["bob"], wd.People["carol"]
	Admit(t, hub, alice, "alice")
	Admit(t, hub, bob, "bob")
	Admit(t, hub, carol, "carol")
	SubmitAs(t, hub, alice, state.SetRole{Member: 3, Role: state.RoleModerator, Grant: true})
	SubmitAs(t, hub, alice, state.SetRole{Member: 2, Role: state.RoleSteward})
	SubmitAs(t, hub, alice, state.SetRole{Member: 3, Role: state.RoleSteward})
	SubmitAs(t, hub, alice, state.NewProposal{Kind: state.KindText, Title: "Quiet hours", Body: "After ten."})
	SubmitAs(t, hub, alice, state.AddSpace{Space: state.Space{Name: "Flat", Beds: 2, TZ: "UTC"}})
	SubmitAs(t, hub, bob, state.FileCase{Against: 1, Title: "Noise", Statement: "Loud."})
	SubmitAs(t, hub, bob, state.Contribute{Asset: "USD", Amount: 2500})
	if _, _, err := hub.CreateInviteCode(context.Background(), alice.Actor(), 1, time.Time{}); err != nil {
		t.Fatal(err)
	}
	SubmitAs(t, hub, wd.People["dora"], state.ApplyToJoin{Name: "dora", Text: "I cook."})
	return wd
}

// BadRow is one call that must fail: as whom, the arguments, and stdin.
type BadRow struct {
	As    string // alice, bob, carol or visitor
	Args  []string
	Stdin string
}

func row(as string, args ...string) BadRow { return BadRow{As: as, Args: args} }

func rowIn(as, stdin string, args ...string) BadRow { return BadRow{As: as, Args: args, Stdin: stdin} }

func w(s string) []string { return strings.Fields(s) }

// Hostile and oversized values the rows use.
const (
	Esc     = "x\x1b]0;pwned\x07"
	clear   = "a\x1b[2Jb"
	bidi    = "a\u202eb"
	huge    = "1000000000000000000000000000000" // 10^30
	bigID   = "99999999999999999999999"
	negID   = "-1"
	hexID   = "0x1"
	zeroDay = "0000-00-00"
)

// BadInput lists, for every command in the tree, calls that must fail:
// missing arguments, wrong types, huge values, unknown IDs, the wrong role,
// control characters. The command tree's TestBadInputCoversEveryCommand
// fails if a command has no rows, so a new command cannot be forgotten.
// maxStdin is what the tree reads of an application at most.
func BadInput(wd *World, maxStdin int) map[string][]BadRow {
	aliceKey := wd.People["alice"].AuthorizedKey()
	aliceFP := wd.People["alice"].Fingerprint()
	return map[string][]BadRow{
		"":             {row("visitor", "frobnicate"), row("alice", Esc), row("bob", "--bogus")},
		"applications": {row("visitor", "applications"), row("bob", "applications", "--json", "x"), row("alice", "applications", "extra")},
		"apply": {
			rowIn("visitor", "hi", w("apply")...), rowIn("alice", "hi", w("apply --name alice2")...),
			rowIn("visitor", strings.Repeat("x", maxStdin+1), w("apply --name m")...),
			rowIn("visitor", "hi"+Esc, w("apply --name m")...), rowIn("visitor", "hi", "apply", "--name", Esc),
		},
		"approve": {row("alice", w("approve 99")...), row("alice", "approve", "abc"), row("alice", "approve"),
			row("bob", w("approve 1")...), row("alice", "approve", bigID), row("alice", "approve", negID), row("visitor", w("approve 1")...)},
		"campaign":      {row("bob", w("campaign frobnicate")...)},
		"campaign list": {row("visitor", w("campaign list")...), row("bob", w("campaign list extra")...)},
		"campaign new": {row("bob", w("campaign new")...), row("visitor", w("campaign new --title T --asset USD --goal 100 --days 10")...),
			row("bob", "campaign", "new", "--title", "T", "--asset", "USD", "--goal", huge, "--days", "10"),
			row("bob", w("campaign new --title T --asset USD --goal 100 --days 99999")...),
			row("bob", w("campaign new --title T --asset XXX --goal 100 --days 10")...),
			row("bob", "campaign", "new", "--title", Esc, "--asset", "USD", "--goal", "100", "--days", "10"),
			row("bob", "campaign", "new", "--title", "T", "--asset", "USD", "--goal", "100", "--deadline", zeroDay)},
		"campaign pledge": {row("bob", w("campaign pledge 99 10.00")...), row("bob", w("campaign pledge 1")...),
			row("bob", "campaign", "pledge", "x", "y"), row("bob", "campaign", "pledge", "1", huge), row("visitor", w("campaign pledge 1 1")...)},
		"campaign show": {row("bob", w("campaign show 99")...), row("bob", w("campaign show abc")...), row("visitor", w("campaign show 1")...)},
		"campaign tie": {row("alice", w("campaign tie 99 --proposal 1")...), row("alice", w("campaign tie 1")...),
			row("bob", w("campaign tie 1 --proposal 1")...), row("alice", "campaign", "tie", bigID, "--proposal", "x")},
		"campaign unpledge": {row("bob", w("campaign unpledge 99")...), row("bob", w("campaign unpledge")...), row("visitor", w("campaign unpledge 1")...)},
		"census":            {row("visitor", w("census extra")...), row("bob", w("census --bogus")...)},
		"chain":             {row("visitor", w("chain frobnicate")...)},
		"chain export":      {row("visitor", w("chain export extra")...)},
		"chain head":        {row("visitor", w("chain head x")...)},
		"chain key":         {row("visitor", w("chain key --bogus")...)},
		"chain receipt": {row("visitor", w("chain receipt 99999")...), row("visitor", "chain", "receipt", negID),
			row("visitor", w("chain receipt")...), row("visitor", "chain", "receipt", huge), row("visitor", "chain", "receipt", Esc)},
		"chain consistency": {row("visitor", w("chain consistency 1 99999")...), row("visitor", w("chain consistency 2 1")...),
			row("visitor", "chain", "consistency", negID, "1"), row("visitor", w("chain consistency 1")...), row("visitor", "chain", "consistency", "1", huge),
			row("visitor", "chain", "consistency", Esc, "1")},
		"witness":     {row("visitor", w("witness frobnicate")...)},
		"witness key": {row("visitor", w("witness key extra")...)},
		"witness add-checkpoint": {rowIn("visitor", "garbage"+Esc, w("witness add-checkpoint")...),
			rowIn("visitor", strings.Repeat("A", 70<<10), w("witness add-checkpoint")...),
			rowIn("visitor", "old 0\n\nnot a note\n", w("witness add-checkpoint")...),
			rowIn("visitor", "old 0\n\nhub.example/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 hub.example/log AAAA\n", w("witness add-checkpoint")...)},
		"witness list": {row("visitor", w("witness list extra")...), row("bob", w("witness list --json x")...)},
		"witness watch": {row("bob", w("witness watch "+aliceKey)...), row("alice", "witness", "watch", Esc),
			row("alice", w("witness watch notakey")...), row("visitor", w("witness watch k")...), row("alice", "witness", "watch", huge)},
		"witness unwatch": {row("alice", w("witness unwatch nothere.example/log")...), row("bob", w("witness unwatch x")...), row("alice", "witness", "unwatch", Esc)},
		"witness use": {row("alice", w("witness use nohost k")...), row("alice", w("witness use host:99999 k")...),
			row("alice", "witness", "use", "h:1", Esc), row("bob", w("witness use h:1 k")...), row("alice", "witness", "use", Esc+":1", "k")},
		"witness drop": {row("alice", w("witness drop nobody")...), row("bob", w("witness drop x")...), row("alice", "witness", "drop", Esc)},
		"chain tile": {row("visitor", w("chain tile")...), row("visitor", w("chain tile tile/0/x999/000")...), row("visitor", w("chain tile tile/0/00")...),
			row("visitor", w("chain tile tile/entries/000.p/1")...), row("visitor", "chain", "tile", Esc), row("visitor", "chain", "tile", huge),
			row("visitor", w("chain tile checkpoint extra")...)},
		"charter":         {row("bob", w("charter --version -1")...), row("bob", w("charter --version 99")...), row("bob", w("charter --version x")...)},
		"charter history": {row("bob", w("charter history extra")...)},
		"charter set": {rowIn("bob", "Be kind.", w("charter set")...), row("alice", w("charter set")...),
			rowIn("alice", "Be kind."+Esc, w("charter set")...), rowIn("visitor", "Be kind.", w("charter set")...)},
		"consent": {row("visitor", w("consent")...), row("bob", w("consent --version 99")...), row("bob", w("consent --version x")...),
			rowIn("bob", "garbage", w("consent --sig -")...), row("bob", w("consent --sign")...)},
		"delegate": {row("bob", w("delegate 99")...), row("bob", w("delegate")...), rowIn("bob", "garbage", w("delegate 1 --sig -")...), row("bob", w("delegate 1 --sign")...), row("bob", w("delegate 1 --kind nosuch")...),
			row("visitor", w("delegate 1")...), row("bob", w("delegate 2")...), row("bob", "delegate", Esc)},
		"delegations": {row("visitor", w("delegations")...), row("bob", w("delegations extra")...)},
		"dispute":     {row("bob", w("dispute frobnicate")...)},
		"dispute appeal": {row("bob", w("dispute appeal 99")...), row("carol", w("dispute appeal 1")...), row("bob", w("dispute appeal")...),
			row("bob", w("dispute appeal 1")...)},
		"dispute claim": {row("bob", w("dispute claim 1")...), row("carol", w("dispute claim 99")...), row("carol", "dispute", "claim", hexID),
			row("alice", w("dispute claim 1")...)},
		"dispute evidence": {rowIn("bob", "x", w("dispute evidence 99")...), rowIn("visitor", "x", w("dispute evidence 1")...),
			rowIn("bob", "x"+clear, w("dispute evidence 1")...), rowIn("bob", "", w("dispute evidence 1")...)},
		"dispute file": {rowIn("bob", "x", w("dispute file")...), rowIn("bob", "x", w("dispute file --against 99 --title x")...),
			rowIn("bob", "x", w("dispute file --against nobody --title x")...), rowIn("visitor", "x", w("dispute file --against 1 --title x")...),
			rowIn("bob", "x", w("dispute file --against 2 --title x")...), rowIn("bob", "x", "dispute", "file", "--against", "1", "--title", Esc),
			rowIn("bob", "x", w("dispute file --against 1 --title x --category vibes")...)},
		"dispute jury-vote": {row("bob", w("dispute jury-vote 1 dismissed")...), row("bob", w("dispute jury-vote 99 dismissed")...),
			row("bob", w("dispute jury-vote 1")...), row("bob", "dispute", "jury-vote", "1", Esc)},
		"dispute list":   {row("visitor", w("dispute list")...), row("bob", w("dispute list extra")...)},
		"dispute note":   {rowIn("bob", "x", w("dispute note 1")...), rowIn("carol", "x", w("dispute note 99")...), rowIn("carol", "x"+Esc, w("dispute note 1")...)},
		"dispute notes":  {row("bob", w("dispute notes 1")...), row("carol", w("dispute notes 99")...), row("visitor", w("dispute notes 1")...)},
		"dispute recuse": {row("carol", w("dispute recuse 1")...), row("carol", w("dispute recuse 99")...), row("bob", w("dispute recuse 1")...)},
		"dispute resolve": {row("carol", w("dispute resolve 1 --outcome dismissed")...), row("carol", w("dispute resolve 1")...),
			row("carol", w("dispute resolve 1 --outcome emperor")...), row("carol", w("dispute resolve 1 --outcome suspension --days 100000")...),
			row("bob", w("dispute resolve 1 --outcome dismissed")...), row("carol", "dispute", "resolve", "1", "--outcome", "warning", "--reason", Esc)},
		"dispute show":     {row("bob", w("dispute show 99")...), row("visitor", w("dispute show 1")...), row("bob", w("dispute show x")...)},
		"dispute withdraw": {row("alice", w("dispute withdraw 1")...), row("bob", w("dispute withdraw 99")...), row("visitor", w("dispute withdraw 1")...)},
		"help":             {row("visitor", w("help nosuch")...), row("visitor", w("help proposal nosuch")...), row("visitor", "help", Esc)},
		"housing":          {row("bob", w("housing frobnicate")...)},
		"housing approve":  {row("bob", w("housing approve 1")...), row("alice", w("housing approve 99")...), row("alice", "housing", "approve", bigID)},
		"housing book": {row("bob", w("housing book 99 --from 2030-01-01 --to 2030-01-02")...), row("bob", w("housing book 1")...),
			row("bob", w("housing book 1 --from 2030-13-01 --to 2030-01-02")...), row("bob", w("housing book 1 --from 2030-01-02 --to 2030-01-01")...),
			row("bob", w("housing book 1 --from 2030-01-01 --to 2030-01-02 --beds 999")...),
			row("bob", w("housing book 1 --from 2030-01-01 --to 2030-01-02 --beds -1")...),
			row("bob", w("housing book 1 --from 1900-01-01 --to 1900-01-02")...), row("bob", "housing", "book", "1", "--from", Esc, "--to", "2030-01-02"),
			row("bob", "housing", "book", "1", "--from", "2030-01-01", "--to", "2030-01-02", "--beds", huge),
			row("visitor", w("housing book 1 --from 2030-01-01 --to 2030-01-02")...)},
		"housing cancel":  {row("bob", w("housing cancel 99")...), row("bob", w("housing cancel x")...), row("visitor", w("housing cancel 1")...)},
		"housing decline": {row("bob", w("housing decline 1")...), row("alice", w("housing decline 99")...)},
		"housing ical":    {row("bob", w("housing ical")...), row("bob", w("housing ical 99")...), row("visitor", w("housing ical 1")...)},
		"housing list":    {row("visitor", w("housing list")...), row("bob", w("housing list extra")...)},
		"housing mine":    {row("visitor", w("housing mine")...), row("bob", w("housing mine extra")...)},
		"housing pending": {row("bob", w("housing pending")...), row("visitor", w("housing pending")...)},
		"housing show": {row("bob", w("housing show 99")...), row("bob", w("housing show 1 --from 2030-01-02 --to 2030-01-01")...),
			row("bob", w("housing show 1 --from x --to 2030-01-01")...), row("visitor", w("housing show 1")...)},
		"housing space": {row("alice", w("housing space frobnicate")...)},
		"housing space add": {row("bob", w("housing space add --name x --beds 1")...), row("alice", w("housing space add --name x")...),
			row("alice", w("housing space add --name x --beds 0")...), row("alice", "housing", "space", "add", "--name", "x", "--beds", huge),
			row("alice", w("housing space add --name x --beds 1 --tz Mars/Olympus")...),
			row("alice", w("housing space add --name x --beds 1 --country Portugal")...),
			row("alice", w("housing space add --name x --beds 1 --blackout nonsense")...),
			row("alice", "housing", "space", "add", "--name", Esc, "--beds", "1"),
			rowIn("alice", "rules"+clear, w("housing space add --name x --beds 1")...)},
		"housing space retire": {row("bob", w("housing space retire 1")...), row("alice", w("housing space retire 99")...)},
		"housing waitlist":     {row("bob", w("housing waitlist 99")...), row("visitor", w("housing waitlist 1")...)},
		"invite":               {row("alice", w("invite frobnicate")...)},
		"invite create": {row("bob", w("invite create")...), row("alice", w("invite create --uses -1")...),
			row("alice", w("invite create --expires 3y")...), row("visitor", w("invite create")...), row("alice", "invite", "create", "--uses", huge)},
		"invite list":   {row("bob", "invite", "list", "--json", "x"), row("visitor", w("invite list")...), row("alice", w("invite list extra")...)},
		"invite revoke": {row("alice", w("invite revoke 42")...), row("bob", w("invite revoke 1")...), row("alice", w("invite revoke abc")...)},
		"join": {row("alice", w("join abcd-efgh-ijkl-mnop --name x")...), row("visitor", w("join abcd --name x")...),
			row("visitor", w("join")...), row("visitor", "join", "abcd-efgh-ijkl-mnop", "--name", Esc)},
		"keys": {row("bob", w("keys frobnicate")...)},
		"keys add": {row("bob", w("keys add not-a-key")...), row("bob", w("keys add")...), row("visitor", "keys", "add", NewKey()),
			row("bob", "keys", "add", "--name", Esc, NewKey()), row("bob", "keys", "add", aliceKey)},
		"keys confirm":   {row("visitor", w("keys confirm abcd-efgh-ijkl-mnop")...), row("bob", w("keys confirm abcd")...), row("visitor", w("keys confirm")...)},
		"keys list":      {row("visitor", w("keys list")...), row("bob", w("keys list extra")...)},
		"keys remove":    {row("bob", w("keys remove nope")...), row("alice", "keys", "remove", aliceFP), row("visitor", w("keys remove x")...)},
		"keys rename":    {row("bob", w("keys rename nope x")...), row("alice", "keys", "rename", aliceFP, Esc), row("visitor", w("keys rename a b")...)},
		"leave":          {row("bob", w("leave")...), row("visitor", w("leave --yes")...), row("bob", w("leave extra")...), row("alice", w("leave --yes")...)},
		"members":        {row("visitor", w("members")...), row("bob", w("members extra")...)},
		"moderation":     {row("bob", w("moderation frobnicate")...)},
		"moderation log": {row("visitor", w("moderation log")...), row("bob", w("moderation log extra")...)},
		"profile":        {row("bob", w("profile frobnicate")...)},
		"profile country": {row("bob", w("profile country Portugal")...), row("bob", w("profile country")...), row("visitor", w("profile country PT")...),
			row("bob", "profile", "country", Esc)},
		"profile listed":  {row("bob", w("profile listed maybe")...), row("visitor", w("profile listed yes")...)},
		"profile show":    {row("visitor", w("profile show")...), row("bob", w("profile show extra")...)},
		"proposal":        {row("bob", w("proposal frobnicate")...)},
		"proposal cancel": {row("alice", w("proposal cancel 99")...), row("bob", w("proposal cancel 1")...), row("visitor", w("proposal cancel 1")...)},
		"proposal comment": {rowIn("bob", "x", w("proposal comment 99")...), rowIn("bob", "", w("proposal comment 1")...),
			rowIn("bob", "x"+Esc, w("proposal comment 1")...), rowIn("visitor", "x", w("proposal comment 1")...),
			rowIn("bob", strings.Repeat("x", 1<<20), w("proposal comment 1")...)},
		"proposal list": {row("bob", w("proposal list --state nosuch")...), row("visitor", w("proposal list")...)},
		"proposal new": {rowIn("bob", "body", w("proposal new --kind text")...), rowIn("bob", "body", w("proposal new --title T --kind nosuch")...),
			rowIn("bob", "body", w("proposal new --title T --kind text --method nosuch")...),
			rowIn("bob", "body", "proposal", "new", "--title", Esc, "--kind", "text"), rowIn("visitor", "body", w("proposal new --title T --kind text")...),
			rowIn("bob", "body", w("proposal new --title T --kind text --method approval --options a")...),
			rowIn("bob", "body"+bidi, w("proposal new --title T --kind text")...),
			rowIn("bob", strings.Repeat("x", 1<<20), w("proposal new --title T --kind text")...)},
		"proposal open": {row("alice", w("proposal open 99")...), row("alice", w("proposal open 1")...), row("bob", w("proposal open 1")...)},
		"proposal show": {row("bob", w("proposal show 99")...), row("visitor", w("proposal show 1")...), row("bob", "proposal", "show", bigID)},
		"receipt": {row("bob", w("receipt 99")...), row("bob", w("receipt")...), row("bob", w("receipt --event 99999")...),
			row("visitor", w("receipt 1")...), row("bob", w("receipt 1 --event 1")...)},
		"record": {row("visitor", w("record")...), row("bob", w("record extra")...)},
		"reject": {row("alice", w("reject 99")...), row("bob", w("reject 1")...), row("alice", "reject", hexID)},
		"rename": {row("bob", "rename", Esc), row("bob", "rename", bidi), row("bob", "rename", strings.Repeat("a", 41)), row("bob", "rename"),
			row("visitor", w("rename m")...), row("bob", w("rename alice")...), row("bob", "rename", "  ")},
		"role": {row("alice", w("role frobnicate")...)},
		"role grant": {row("alice", w("role grant 99 moderator")...), row("alice", w("role grant 2 emperor")...),
			row("bob", w("role grant 2 moderator")...), row("alice", w("role grant 2")...), row("alice", "role", "grant", bigID, "moderator")},
		"role revoke": {row("alice", w("role revoke 1 steward")...), row("alice", w("role revoke 2 treasurer")...),
			row("bob", w("role revoke 3 moderator")...)},
		"rules": {row("bob", w("rules frobnicate")...), row("bob", w("rules --bogus")...)},
		"rules set": {row("bob", w("rules set text --quorum 20")...), row("alice", w("rules set nosuch --quorum 20")...),
			row("alice", w("rules set text --quorum 101")...), row("alice", w("rules set text --period 999d")...),
			row("alice", w("rules set text --threshold x")...), row("alice", "rules", "set", "text", "--quorum", huge)},
		"treasury":                {row("bob", w("treasury frobnicate")...)},
		"treasury allowance":      {row("bob", w("treasury allowance frobnicate")...)},
		"treasury allowance list": {row("visitor", w("treasury allowance list")...), row("bob", w("treasury allowance list extra")...)},
		"treasury allowance spend": {row("bob", w("treasury allowance spend 99 1.00")...), row("bob", w("treasury allowance spend 1")...),
			row("bob", w("treasury allowance spend 1 -5")...), row("visitor", w("treasury allowance spend 1 1")...),
			row("bob", "treasury", "allowance", "spend", "1", huge)},
		"treasury asset": {row("alice", w("treasury asset frobnicate")...)},
		"treasury asset add": {row("bob", w("treasury asset add XYZ --decimals 2")...), row("alice", w("treasury asset add USD --decimals 2")...),
			row("alice", w("treasury asset add XYZ --decimals 99")...), row("alice", "treasury", "asset", "add", Esc, "--decimals", "2"),
			row("alice", w("treasury asset add XYZ")...)},
		"treasury balance": {row("visitor", w("treasury balance")...), row("bob", w("treasury balance extra")...)},
		"treasury contribute": {row("bob", w("treasury contribute 1e30 USD")...), row("bob", "treasury", "contribute", huge, "USD"),
			row("bob", w("treasury contribute -5 USD")...), row("bob", w("treasury contribute 5 XXX")...),
			row("bob", w("treasury contribute 5.001 USD")...), row("visitor", w("treasury contribute 5 USD")...),
			row("bob", w("treasury contribute")...), row("bob", "treasury", "contribute", "5", "USD", "--memo", Esc)},
		"treasury ledger": {row("bob", w("treasury ledger --from x")...), row("bob", w("treasury ledger --limit -1")...),
			row("visitor", w("treasury ledger")...), row("bob", w("treasury ledger --from 2030-01-02 --to 2030-01-01")...)},
		"treasury payouts": {row("visitor", w("treasury payouts")...), row("bob", w("treasury payouts extra")...)},
		"treasury policy": {row("bob", w("treasury policy --signers 3")...), row("alice", w("treasury policy --signers 0")...),
			row("alice", w("treasury policy --signers 999")...), row("alice", "treasury", "policy", "--signers", huge)},
		"treasury reverse": {row("bob", w("treasury reverse 1")...), row("alice", w("treasury reverse 99")...), row("alice", "treasury", "reverse", Esc)},
		"treasury sign": {row("alice", w("treasury sign 99")...), row("bob", w("treasury sign 1")...), row("visitor", w("treasury sign 1")...),
			rowIn("alice", "not a signature", w("treasury sign 1 --sig -")...), row("alice", w("treasury sign 99 --print-act")...),
			row("alice", w("treasury sign 1 --sig act.sig")...)},
		"undelegate": {row("visitor", w("undelegate")...), row("bob", w("undelegate --kind nosuch")...), row("bob", w("undelegate extra")...)},
		"vote": {row("bob", w("vote 99 yes")...), row("bob", w("vote 1 maybe")...), row("bob", w("vote 1")...),
			row("visitor", w("vote 1 yes")...), row("bob", "vote", "1", Esc), row("bob", "vote", bigID, "yes"),
			rowIn("bob", "not a signature", w("vote 1 yes --sig -")...), rowIn("bob", "", w("vote 1 yes --sig -")...),
			row("bob", w("vote 1 yes --sig /etc/passwd")...), row("bob", w("vote 99 yes --print-act")...),
			row("bob", w("vote 1 yes --sign")...), row("bob", w("vote 1 yes --sign --print-act")...)},
		"whoami": {row("bob", w("whoami extra")...), row("visitor", w("whoami --bogus")...)},
	}
}
