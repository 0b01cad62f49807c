package files

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
)

// Register serves the endpoints on mux under /files/: browse, read,
// download and debug, each also with a .json suffix (Mesos kept both).
func (f *Files) Register(mux *http.ServeMux) {
	for name, h := range f.handlers() {
		mux.Handle("/files/"+name, h)
		mux.Handle("/files/"+name+".json", h)
	}
}

// Handler serves the endpoints by the last element of the request path,
// for agents that route /files/ themselves.
func (f *Files) Handler() http.Handler {
	hs := f.handlers()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:], ".json")
		if h, ok := hs[name]; ok {
			h.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

func (f *Files) handlers() map[string]http.Handler {
	return map[string]http.Handler{
		"browse":   http.HandlerFunc(f.serveBrowse),
		"read":     http.HandlerFunc(f.serveRead),
		"download": http.HandlerFunc(f.serveDownload),
		"debug":    http.HandlerFunc(f.serveDebug),
	}
}

func (f *Files) serveBrowse(w http.ResponseWriter, r *http.Request) {
	f.logRequest(r)
	q, path, err := pathQuery(r)
	if err != nil {
		f.writeError(w, err)
		return
	}
	infos, err := f.Browse(r.Context(), path)
	if err != nil {
		f.writeError(w, err)
		return
	}
	writeJSON(w, q.Get("jsonp"), listingJSON(infos))
}

func (f *Files) serveRead(w http.ResponseWriter, r *http.Request) {
	f.logRequest(r)
	q, path, err := pathQuery(r)
	if err != nil {
		f.writeError(w, err)
		return
	}
	offset, length, err := readParams(q)
	if err != nil {
		f.writeError(w, err)
		return
	}
	// offset=-1 (the web UI's pailer starts so) asks for the size only.
	readOffset := offset
	if offset == -1 {
		readOffset, length = 0, 0
	}
	size, data, err := f.Read(r.Context(), path, readOffset, length)
	if err != nil {
		f.writeError(w, err)
		return
	}
	if offset == -1 {
		offset = size
	}
	writeJSON(w, q.Get("jsonp"), readJSON(data, offset))
}

func (f *Files) serveDownload(w http.ResponseWriter, r *http.Request) {
	f.logRequest(r)
	_, path, err := pathQuery(r)
	if err != nil {
		f.writeError(w, err)
		return
	}
	file, st, err := f.Open(r.Context(), path)
	if err != nil {
		f.writeError(w, err)
		return
	}
	defer file.Close()
	name := filepath.Base(file.Name())
	w.Header().Set("Content-Type", contentType(name))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Disposition", disposition)
	http.ServeContent(w, r, name, st.ModTime(), file)
}

func (f *Files) serveDebug(w http.ResponseWriter, r *http.Request) {
	f.logRequest(r)
	q, err := query(r.URL.RawQuery)
	if err != nil {
		f.writeError(w, err)
		return
	}
	if err := authorized(r.Context(), f.debugAuz); err != nil {
		f.writeError(w, err)
		return
	}
	writeJSON(w, q.Get("jsonp"), debugJSON(f.Attached()))
}

func authorized(ctx context.Context, authorize Authorize) error {
	if authorize == nil {
		return nil
	}
	ok, err := authorize(ctx)
	if err != nil {
		return &Error{Kind: Unknown, Msg: "authorization failed", Err: err}
	}
	if !ok {
		return newError(Forbidden, "not authorized")
	}
	return nil
}

func pathQuery(r *http.Request) (url.Values, string, error) {
	q, err := query(r.URL.RawQuery)
	if err != nil {
		return nil, "", err
	}
	p, err := pathParam(q)
	return q, p, err
}

// writeJSON answers 200 with body, wrapped in callback(...); when jsonp
// names one (libprocess's OK(json, jsonp)).
func writeJSON(w http.ResponseWriter, jsonp string, body []byte) {
	if jsonp == "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	if !validCallback(jsonp) {
		http.Error(w, "Invalid 'jsonp' callback name.", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/javascript")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, "%s(%s);", jsonp, body)
}

// validCallback allows JavaScript identifiers and member access only, so
// jsonp cannot inject script.
func validCallback(s string) bool {
	if len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '$' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// writeError answers with the error's status and message as plain text.
func (f *Files) writeError(w http.ResponseWriter, err error) {
	status := StatusCode(err)
	if status == http.StatusInternalServerError {
		f.log.Warn("Files request failed", "error", err)
	}
	http.Error(w, err.Error()+"\n", status)
}

func (f *Files) logRequest(r *http.Request) {
	f.log.Info("HTTP request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "remote", r.RemoteAddr)
}
