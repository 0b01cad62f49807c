package files

import (
	"fmt"
	"net/url"
	"strconv"
)

// query parses a request's query string, refusing a malformed one as
// libprocess does.
func query(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, newError(Invalid, "Unable to decode query string: %v", err)
	}
	return q, nil
}

// pathParam is the required "path" parameter.
func pathParam(q url.Values) (string, error) {
	p := q.Get("path")
	if p == "" {
		return "", newError(Invalid, "Expecting 'path=value' in query.")
	}
	return p, nil
}

// readParams parses /files/read's offset and length as Mesos does: both
// optional integers no smaller than -1. An absent offset is -1, which asks
// only for the file's size; a length of -1 (or none) reads to the end.
func readParams(q url.Values) (offset, length int64, err error) {
	offset, length = -1, -1
	if s, ok := first(q, "offset"); ok {
		if offset, err = parseInt(s); err != nil {
			return 0, 0, newError(Invalid, "Failed to parse offset: %v.", err)
		}
		if offset < -1 {
			return 0, 0, newError(Invalid, "Negative offset provided: %d.", offset)
		}
	}
	if s, ok := first(q, "length"); ok {
		if length, err = parseInt(s); err != nil {
			return 0, 0, newError(Invalid, "Failed to parse length: %v.", err)
		}
		if length < -1 {
			return 0, 0, newError(Invalid, "Negative length provided: %d.", length)
		}
	}
	return offset, length, nil
}

func first(q url.Values, key string) (string, bool) {
	v, ok := q[key]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// parseInt reads a decimal integer with an optional sign, as numify does.
func parseInt(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("failed to convert '%s' to number", printable(s))
	}
	return n, nil
}
