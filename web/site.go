package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/polis-hub/polis/state"
	"github.com/polis-hub/polis/state/money"
	"github.com/polis-hub/polis/state/sanitize"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// funcs are what templates may call. Every string a member or steward
// wrote (the hub's name, members' names, the charter, spaces) goes through
// line or markdown, which sanitise it; html/template then escapes it.
var funcs = template.FuncMap{
	"line":     sanitize.Line,
	"markdown": markdown,
	"money": func(b state.AssetBalance) string {
		return money.Format(b.Balance, b.Decimals) + " " + sanitize.Line(b.Asset)
	},
	"day":    state.Day,
	"when":   func(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") },
	"pct":    func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"plural": state.Plural,
	"runes":  func(s string) int { return len([]rune(s)) },
	"standing": func(c state.CosignatureStatus, head *state.Head) string {
		h := int64(0)
		if head != nil {
			h = head.Height
		}
		st, text := c.Standing(h)
		if st == state.StandingAlarm {
			text = "ALARM: " + text
		}
		return sanitize.Line(text)
	},
}

// md renders Markdown as the terminal does (glamour is GitHub-flavoured):
// tables and strikethrough, the dossier's figures are a table.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// markdown renders Markdown a member wrote. goldmark's default renderer
// drops raw HTML and dangerous link targets; the CSP forbids script anyway.
func markdown(src string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(sanitize.Text(src)), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(b.String()) // #nosec: goldmark escapes text and omits raw HTML
}

// templates holds each page's template: the layout with its content.
var templates = func() map[string]*template.Template {
	base := template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return out
}()

// layout is what the layout template reads.
type layout struct {
	Hub   string
	Title string
	Path  string // the page's own path, for the navigation
	JSON  string // its JSON twin
	Nav   []navItem
	Head  *state.Head
	P     any // the page's own view
}

// navItem is one link of the navigation.
type navItem struct{ Path, Title string }

var nav = func() []navItem {
	out := make([]navItem, len(pages))
	for i, p := range pages {
		out[i] = navItem{p.path, p.title}
	}
	return out
}()

func (s *Site) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range pages {
		if p.path == "/" {
			mux.Handle("GET /{$}", s.pageHandler(p, false))
		} else {
			mux.Handle("GET "+p.path, s.pageHandler(p, false))
		}
		mux.Handle("GET "+p.jsonPath(), s.pageHandler(p, true))
	}
	mux.HandleFunc("GET /charter/{version}", s.charterVersionHandler)
	mux.HandleFunc("GET /dossier.md", s.dossierFile)
	mux.HandleFunc("GET /dossier.md.sig", s.dossierFile)
	mux.HandleFunc("GET /dossier.json.sig", s.dossierFile)
	mux.HandleFunc("GET /checkpoint", s.tile)
	mux.HandleFunc("GET /tile/{path...}", s.tile)
	mux.HandleFunc("POST /add-checkpoint", s.addCheckpoint)
	// The one stylesheet, by name: no directory to list.
	mux.HandleFunc("GET /static/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write(styleCSS)
	})
	mux.HandleFunc("GET /", s.notFound)
	return mux
}

func (s *Site) pageHandler(p page, asJSON bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !public(p.reads) {
			// The read rules changed under the page: it shows what a
			// visitor may no longer read.
			s.notFound(w, r)
			return
		}
		v := versionOf(s.hub)
		rd, err := s.cache.get(p.path, v, func() (*rendered, error) {
			return s.render(p, func() (any, any, error) { return p.build(s) })
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		send(w, r, rd, asJSON, v.etag(p.name, format(asJSON)))
	})
}

// charterVersionHandler serves /charter/N and /charter/N.json.
func (s *Site) charterVersionHandler(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("version")
	num, asJSON := strings.CutSuffix(seg, ".json")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		s.notFound(w, r)
		return
	}
	p := page{path: "/charter/" + num, name: "charter", title: "Charter version " + num, reads: []state.Readable{state.ReadCharter}}
	if !public(p.reads) {
		s.notFound(w, r)
		return
	}
	v := versionOf(s.hub)
	rd, err := s.cache.get(p.path, v, func() (*rendered, error) {
		return s.render(p, func() (any, any, error) { return s.charterVersion(n) })
	})
	if errors.Is(err, errNoVersion) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	send(w, r, rd, asJSON, v.etag("charter-"+num, format(asJSON)))
}

func format(asJSON bool) string {
	if asJSON {
		return "json"
	}
	return "html"
}

// render builds a page in both forms.
func (s *Site) render(p page, build func() (any, any, error)) (*rendered, error) {
	view, js, err := build()
	if err != nil {
		return nil, err
	}
	out := &rendered{}
	switch j := js.(type) {
	case []byte:
		out.json = j
	default:
		b, err := json.MarshalIndent(js, "", "  ")
		if err != nil {
			return nil, err
		}
		out.json = append(b, '\n')
	}
	jsonPath := p.jsonPath()
	if strings.HasPrefix(p.path, "/charter/") {
		jsonPath = p.path + ".json"
	}
	out.html, err = s.page(p.name, p.title, p.path, jsonPath, view)
	return out, err
}

// page renders one template in the layout.
func (s *Site) page(name, title, path, jsonPath string, view any) ([]byte, error) {
	info, err := s.hub.Info()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = templates[name].ExecuteTemplate(&b, "layout", layout{Hub: info.Name, Title: title, Path: path, JSON: jsonPath, Nav: nav, Head: s.head(), P: view})
	return b.Bytes(), err
}

// send writes a cached rendering, or 304 if the client holds it.
func send(w http.ResponseWriter, r *http.Request, rd *rendered, asJSON bool, etag string) {
	h := w.Header()
	h.Set("ETag", etag)
	// Revalidate every time: a page moves with each checkpoint.
	h.Set("Cache-Control", "no-cache")
	body, ctype := rd.html, "text/html; charset=utf-8"
	if asJSON {
		body, ctype = rd.json, "application/json"
	}
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// dossierFile serves the dossier's files as `polis dossier` writes them.
func (s *Site) dossierFile(w http.ResponseWriter, r *http.Request) {
	if !state.MayRead(state.ReadDossier, visitor) {
		s.notFound(w, r)
		return
	}
	sd, err := s.memoDossier()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body []byte
	if sd != nil {
		switch r.URL.Path {
		case "/dossier.md":
			body = sd.MD
		case "/dossier.md.sig":
			body = sd.MDSig
		case "/dossier.json.sig":
			body = sd.JSONSig
		}
	}
	if body == nil {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(body)
}

// dossierMemo keeps the signed dossier files of one checkpoint.
type dossierMemo struct {
	mu     sync.Mutex
	height int64
	sd     *sealedDossier
}

func (s *Site) memoDossier() (*sealedDossier, error) {
	h, ok := s.hub.Head()
	if !ok {
		return nil, nil
	}
	s.dmemo.mu.Lock()
	defer s.dmemo.mu.Unlock()
	if s.dmemo.sd != nil && s.dmemo.height == h.Height {
		return s.dmemo.sd, nil
	}
	sd, err := s.sealedDossier()
	if err != nil || sd == nil {
		return nil, err
	}
	s.dmemo.sd, s.dmemo.height = sd, sd.D.Checkpoint.Height
	return sd, nil
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	b, err := s.page("notfound", "Not found", r.URL.Path, "", nil)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(b)
}

func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, state.ErrClosed) {
		http.Error(w, "the hub is shutting down", http.StatusServiceUnavailable)
		return
	}
	s.log.Error("web page failed", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}
