package files

import (
	"path/filepath"
	"strings"
)

// mimeTypes is the part of libprocess's extension table that sandboxes
// hold; downloads of anything else are application/octet-stream. A fixed
// table, so the answer does not depend on the host's mime.types.
var mimeTypes = map[string]string{
	".bz2":  "application/x-bzip2",
	".css":  "text/css",
	".csv":  "text/csv",
	".gif":  "image/gif",
	".gz":   "application/x-gzip",
	".htm":  "text/html",
	".html": "text/html",
	".ico":  "image/x-icon",
	".jar":  "application/java-archive",
	".jpeg": "image/jpeg",
	".jpg":  "image/jpeg",
	".js":   "application/javascript",
	".json": "application/json",
	".pdf":  "application/pdf",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".tar":  "application/x-tar",
	".tgz":  "application/x-compressed",
	".txt":  "text/plain",
	".xml":  "text/xml",
	".zip":  "application/zip",
}

// contentType is the download's type by extension.
func contentType(name string) string {
	if t, ok := mimeTypes[strings.ToLower(filepath.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}
