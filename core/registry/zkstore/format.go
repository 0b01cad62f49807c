package zkstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// magic starts the registry znode's content.
const magic = "gomesos-registry/1\n"

// Encodings of the stored registry.
const (
	encodingIdentity = "identity"
	encodingGzip     = "gzip"
)

// header describes what one write stored.
type header struct {
	// Version is the registry's version, the znode's data version.
	Version uint64 `json:"version"`
	// Encoding is how the registry is stored.
	Encoding string `json:"encoding"`
	// Size and SHA256 are the registry's (decoded) length and checksum.
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	// Stored is the length of the encoded registry.
	Stored int `json:"stored"`
	// Write names the write; chunks are named after it.
	Write string `json:"write"`
	// Chunks is how many chunks hold the encoded registry; 0 when it
	// follows the header in the znode.
	Chunks int `json:"chunks,omitempty"`
}

// encodeHead is the registry znode's content: the header, then inline.
func encodeHead(h header, inline []byte) ([]byte, error) {
	meta, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encoding registry header: %w", err)
	}
	out := make([]byte, 0, len(magic)+len(meta)+1+len(inline))
	out = append(out, magic...)
	out = append(out, meta...)
	out = append(out, '\n')
	return append(out, inline...), nil
}

// decodeHead splits the registry znode's content.
func decodeHead(data []byte) (header, []byte, error) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok {
		return header{}, nil, errors.New("not a registry written by this store (bad magic)")
	}
	meta, inline, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return header{}, nil, errors.New("truncated registry header")
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(meta))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return header{}, nil, fmt.Errorf("registry header: %w", err)
	}
	switch {
	case h.Encoding != encodingIdentity && h.Encoding != encodingGzip:
		return header{}, nil, fmt.Errorf("registry header: unknown encoding %q", h.Encoding)
	case h.Size < 0 || h.Stored < 0 || h.Chunks < 0 || h.Write == "":
		return header{}, nil, errors.New("registry header: bad sizes or no write name")
	case h.Chunks == 0 && len(inline) != h.Stored:
		return header{}, nil, fmt.Errorf("registry: %d bytes follow the header, it says %d", len(inline), h.Stored)
	case h.Chunks > 0 && len(inline) != 0:
		return header{}, nil, errors.New("registry: data follows the header of a chunked registry")
	}
	return h, inline, nil
}

// chunkName names chunk i of a write.
func chunkName(write string, i int) string { return fmt.Sprintf("%s-%05d", write, i) }
