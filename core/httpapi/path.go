package httpapi

import (
	"net/http"
	"strings"
)

// CleanPaths serves requests whose paths have repeated slashes
// (//master/state, which some clients build from "host:port/" + "/path")
// as their clean form. Go's ServeMux would answer those with a redirect that
// POSTing clients do not follow.
func CleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "//") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = collapseSlashes(r.URL.Path)
			r2.URL.RawPath = ""
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

func collapseSlashes(p string) string {
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}
