package state

import (
	"fmt"
	"strconv"
)

// Application limits. Anyone with a key may apply, every application is
// kept for good in the signed log, and keys cost nothing to make: so how
// many may arrive is bounded by state and the event's time alone (the
// door's limits bound each address, never the hub as a whole). A visitor
// who meets them can still join with an invite.
const (
	// MaxPendingApplications is how many may wait for a steward at once.
	MaxPendingApplications = 100
	// MaxApplicationsPerWindow applications are taken in any window of
	// ApplicationWindowMS, counted by event time over the whole hub.
	MaxApplicationsPerWindow = 30
	ApplicationWindowMS      = 3600 * 1000
	// Stewards read applications a page at a time.
	DefaultApplicationPage = 50
	MaxApplicationPage     = 500
)

// prefixAppPending indexes the applications still waiting, by ID, so that
// counting and listing them never reads the decided ones.
const prefixAppPending = "s/apppend/"

// applicationRoom says why no application may be filed at now, if so.
func applicationRoom(r Reader, now int64) error {
	n := 0
	r.Scan(prefixAppPending, func(string, []byte) bool { n++; return n < MaxPendingApplications })
	if n >= MaxPendingApplications {
		return fmt.Errorf("%d applications are waiting for a steward, the most the hub holds; try again once they are decided, or join with an invite", n)
	}
	// The application MaxApplicationsPerWindow back is the oldest of the
	// last window's worth: if it is recent, the window is full.
	if next := nextID(r, "application"); next > MaxApplicationsPerWindow {
		if a, ok := GetApplication(r, next-MaxApplicationsPerWindow); ok && now-a.Submitted < ApplicationWindowMS {
			wait := (a.Submitted + ApplicationWindowMS - now + 59_999) / 60_000
			return fmt.Errorf("the hub takes at most %d applications an hour; try again in %d minutes, or join with an invite", MaxApplicationsPerWindow, wait)
		}
	}
	return nil
}

// ApplicationOf returns the latest application made with the key of
// fingerprint fp, pending or decided.
func ApplicationOf(r Reader, fp string) (Application, bool) {
	b, ok := r.Get(prefixAppKey + fp)
	if !ok {
		return Application{}, false
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic(corruptError{key: prefixAppKey + fp, err: err})
	}
	return GetApplication(r, id)
}

// PendingApplications returns the applications waiting for a decision, in
// ID order: never more than MaxPendingApplications.
func PendingApplications(r Reader) []Application {
	var ids []uint64
	r.Scan(prefixAppPending, func(k string, _ []byte) bool {
		id, err := strconv.ParseUint(k[len(prefixAppPending):], 10, 64)
		if err != nil {
			panic(corruptError{key: k, err: err})
		}
		ids = append(ids, id)
		return true
	})
	out := make([]Application, 0, len(ids))
	for _, id := range ids {
		if a, ok := GetApplication(r, id); ok {
			out = append(out, a)
		}
	}
	return out
}

// ApplicationQuery is one page of the stewards' list: applications with
// an ID above After, at most Limit of them (0: DefaultApplicationPage),
// only pending ones unless All.
type ApplicationQuery struct {
	After uint64
	Limit int
	All   bool
}

// ApplicationPage is one page; Next is the After of the next page, 0 when
// this one is the last.
type ApplicationPage struct {
	Applications []Application `json:"applications"`
	Next         uint64        `json:"next,omitempty"`
}

// ApplicationsFor returns a page of applications to a member who may
// decide them; anyone else is refused. Reading costs the page, not the
// number of applications ever made.
func (h *Hub) ApplicationsFor(a Actor, q ApplicationQuery) (page ApplicationPage, err error) {
	if q.Limit == 0 {
		q.Limit = DefaultApplicationPage
	}
	if q.Limit < 1 || q.Limit > MaxApplicationPage {
		return page, fmt.Errorf("a page holds 1 to %d applications", MaxApplicationPage)
	}
	err = h.View(func(r Reader) error {
		m, err := member(r, Env{Actor: a})
		if err != nil {
			return err
		}
		if !MaySeeApplications(m) {
			return applicationsRefused()
		}
		page.Applications = []Application{}
		if !q.All {
			for _, ap := range PendingApplications(r) {
				if ap.ID <= q.After {
					continue
				}
				if len(page.Applications) == q.Limit {
					page.Next = page.Applications[q.Limit-1].ID
					break
				}
				page.Applications = append(page.Applications, ap)
			}
			return nil
		}
		// IDs are dense from 1, so a page is read by ID, not by scanning.
		last := nextID(r, "application") - 1
		for id := q.After + 1; id <= last; id++ {
			if len(page.Applications) == q.Limit {
				page.Next = id - 1
				break
			}
			if ap, ok := GetApplication(r, id); ok {
				page.Applications = append(page.Applications, ap)
			}
		}
		return nil
	})
	return page, err
}

// ApplicationOf returns the latest application made with a key, for the
// visitor holding it.
func (h *Hub) ApplicationOf(fp string) (a Application, ok bool, err error) {
	err = h.View(func(r Reader) error { a, ok = ApplicationOf(r, fp); return nil })
	return a, ok, err
}
