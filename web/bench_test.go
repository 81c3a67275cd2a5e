package web

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkPageView is the site's own cost of one cached page view, no
// network: what a view takes from the hub's CPU.
func BenchmarkPageView(b *testing.B) {
	w := newWorld(b)
	site := New(w.hub, Options{RatePerIP: -1})
	for _, path := range []string{"/census", "/census.json", "/checkpoint", "/tile/0/000.p/1"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				site.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
