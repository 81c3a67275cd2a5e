package state

// Who gets the list of applications is decided here, for both doors: the
// `applications` command (Hub.ApplicationsFor) and the app's Members tab
// and Home. It is the work list of those who decide applications, not a
// secret: each application's name, text and key are in the log, which every
// member reads (README, "apply").

// MaySeeApplications reports whether m is given the applications: a
// current member who may decide them (RightApprove; stewards, by default).
func MaySeeApplications(m Member) bool { return !m.Gone() && Can(m, RightApprove) }

func applicationsRefused() error {
	return forbidden("only %s may read applications", joinRoles(defaultRights[RightApprove]))
}
