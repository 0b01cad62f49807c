package files

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// The files endpoints answer with stout-style JSON: objects with sorted
// keys, mtime as a floating point number of seconds ("1700000000.0").
// Strings are JSON-escaped; bytes that are not UTF-8 become U+FFFD
// (stout would pass them through and produce invalid JSON).

// appendString appends s as a JSON string, without HTML escaping.
func appendString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// appendDouble writes a float as stout does: a decimal point always
// present, trailing zeros trimmed.
func appendDouble(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return append(b, s...)
}

// fileInfoJSON is Mesos's model(FileInfo):
// {"gid","mode","mtime","nlink","path","size","uid"}.
func appendFileInfo(b []byte, fi *mesospb.FileInfo) []byte {
	b = append(b, `{"gid":`...)
	b = appendString(b, fi.GetGid())
	b = append(b, `,"mode":`...)
	b = appendString(b, modeString(fi.GetMode()))
	b = append(b, `,"mtime":`...)
	b = appendDouble(b, float64(fi.GetMtime().GetNanoseconds())/1e9)
	b = append(b, `,"nlink":`...)
	b = strconv.AppendInt(b, int64(fi.GetNlink()), 10)
	b = append(b, `,"path":`...)
	b = appendString(b, fi.GetPath())
	b = append(b, `,"size":`...)
	b = strconv.AppendUint(b, fi.GetSize(), 10)
	b = append(b, `,"uid":`...)
	b = appendString(b, fi.GetUid())
	return append(b, '}')
}

func listingJSON(infos []*mesospb.FileInfo) []byte {
	b := []byte{'['}
	for i, fi := range infos {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFileInfo(b, fi)
	}
	return append(b, ']')
}

// readJSON is /files/read's {"data": ..., "offset": ...}.
func readJSON(data []byte, offset int64) []byte {
	b := []byte(`{"data":`)
	b = appendString(b, string(data))
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, offset, 10)
	return append(b, '}')
}

// debugJSON is /files/debug's object of virtual to real paths.
func debugJSON(paths map[string]string) []byte {
	b := []byte{'{'}
	for i, k := range sortedKeys(paths) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, paths[k])
	}
	return append(b, '}')
}
