package state

// Identity is who is at a door: the SSH key that authenticated, in its
// canonical authorized_keys form and as its SHA256 fingerprint. Both doors
// take it (ssh/cmd.Identity and tui.Identity are this type); which member
// it is, if any, is the hub's to say, at the moment it is asked.
type Identity struct {
	Key         string // canonical authorized_keys form
	Fingerprint string
}

// Actor is the identity asking for a command.
func (i Identity) Actor() Actor { return Actor{Key: i.Key, Fingerprint: i.Fingerprint} }
