package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Parse decodes and checks one manifest document; source names it in
// errors ("--modules" or the file's path). It looks at nothing but data:
// what needs the filesystem (inferring runtimes, finding files) is Specs's.
func Parse(source string, data []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, &Error{Source: source, Err: fmt.Errorf("%w: %s", ErrSyntax, describeJSONError(err))}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Source: source, Err: fmt.Errorf("%w: data after the JSON document", ErrSyntax)}
	}
	for i := range m.Libraries {
		if err := checkLibrary(&m.Libraries[i]); err != nil {
			err.Source = source
			if err.Library == "" {
				err.Library = libraryLabel(&m.Libraries[i], i)
			}
			return nil, err
		}
	}
	m.Source = source
	return &m, nil
}

// libraryLabel names a library in errors: its file, else its name, else
// its position.
func libraryLabel(l *Library, i int) string {
	switch {
	case l.File != "":
		return l.File
	case l.Name != "":
		return l.Name
	}
	return "#" + strconv.Itoa(i+1)
}

// describeJSONError phrases encoding/json's errors for an operator: where
// in the document, and what was expected.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q: expected %v, got JSON %s (at byte %d)", typ.Field, typ.Type, typ.Value, typ.Offset)
		}
		return fmt.Sprintf("expected %v, got JSON %s (at byte %d)", typ.Type, typ.Value, typ.Offset)
	case errors.Is(err, io.EOF):
		return "empty document"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of the document"
	}
	// Unknown fields: `json: unknown field "sha265"`.
	return err.Error()
}
