package executorauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	testKey = []byte("a secret key\n")
	now     = time.Unix(1_700_000_000, 0)
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// signRaw signs any header and payload text with key, for tokens Sign
// would not make.
func signRaw(header, payload string, key []byte) string {
	signing := b64(header) + "." + b64(payload)
	h := hmac.New(sha256.New, key)
	h.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// TestSignVerify: a token carries the executor's claims back, and its
// parts are what Mesos writes (sorted keys, no padding).
func TestSignVerify(t *testing.T) {
	tok, err := Sign(ExecutorClaims("fw-1", "exec/1", "c-1"), testKey)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || strings.Contains(tok, "=") {
		t.Fatalf("token %q", tok)
	}
	if h, _ := base64.RawURLEncoding.DecodeString(parts[0]); string(h) != `{"alg":"HS256","typ":"JWT"}` {
		t.Errorf("header %s", h)
	}
	if p, _ := base64.RawURLEncoding.DecodeString(parts[1]); string(p) != `{"cid":"c-1","eid":"exec/1","fid":"fw-1"}` {
		t.Errorf("payload %s", p)
	}
	claims, err := Verify(tok, testKey, now)
	if err != nil {
		t.Fatal(err)
	}
	if claims["fid"] != "fw-1" || claims["eid"] != "exec/1" || claims["cid"] != "c-1" || len(claims) != 3 {
		t.Errorf("claims %v", claims)
	}
	if _, err := Sign(map[string]string{"a": "b"}, nil); err == nil {
		t.Error("signed with an empty key")
	}
}

// TestVerifyRejects: tampering, another key, other algorithms (none
// above all), expiry and malformed parts are refused, each wrapping
// ErrInvalidToken.
func TestVerifyRejects(t *testing.T) {
	good, err := Sign(ExecutorClaims("fw", "ex", "c"), testKey)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	otherPayload := b64(`{"cid":"c","eid":"other","fid":"fw"}`)
	flipped := []byte(parts[2])
	flipped[3] ^= 1
	cases := []struct {
		name, token, want string
	}{
		{"payload swapped", parts[0] + "." + otherPayload + "." + parts[2], "signature does not match"},
		{"signature tampered", parts[0] + "." + parts[1] + "." + string(flipped), ""},
		{"signature dropped", parts[0] + "." + parts[1] + ".", "signature does not match"},
		{"other key", signRaw(`{"alg":"HS256","typ":"JWT"}`, `{"eid":"ex"}`, []byte("other")), "signature does not match"},
		{"alg none", b64(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + ".", `"none" does not match`},
		{"alg none signed", signRaw(`{"alg":"none"}`, `{"eid":"ex"}`, testKey), `"none" does not match`},
		{"alg RS256", signRaw(`{"alg":"RS256"}`, `{"eid":"ex"}`, testKey), `"RS256" does not match`},
		{"alg HS512", signRaw(`{"alg":"HS512"}`, `{"eid":"ex"}`, testKey), `"HS512" does not match`},
		{"alg missing", signRaw(`{"typ":"JWT"}`, `{"eid":"ex"}`, testKey), "Failed to locate 'alg'"},
		{"alg not a string", signRaw(`{"alg":256}`, `{"eid":"ex"}`, testKey), "'alg' field is not a string"},
		{"typ not a string", signRaw(`{"alg":"HS256","typ":1}`, `{"eid":"ex"}`, testKey), "'typ' is not a string"},
		{"crit", signRaw(`{"alg":"HS256","crit":["exp"]}`, `{"eid":"ex"}`, testKey), "'crit' field is unsupported"},
		{"exp negative", signRaw(`{"alg":"HS256"}`, `{"eid":"ex","exp":-1e300}`, testKey), "Token has expired"},
		{"expired", signRaw(`{"alg":"HS256"}`, `{"eid":"ex","exp":1699999999}`, testKey), "Token has expired"},
		{"exp not a number", signRaw(`{"alg":"HS256"}`, `{"eid":"ex","exp":"soon"}`, testKey), "'exp' field is not a number"},
		{"no claims", signRaw(`{"alg":"HS256"}`, `{}`, testKey), "JWT claims missing"},
		{"payload not an object", signRaw(`{"alg":"HS256"}`, `["eid"]`, testKey), "Failed to decode token payload"},
		{"payload trailing data", signRaw(`{"alg":"HS256"}`, `{"eid":"ex"} {}`, testKey), "trailing data"},
		{"header not JSON", signRaw(`alg`, `{"eid":"ex"}`, testKey), "Failed to decode token header"},
		{"two parts", parts[0] + "." + parts[1], "Expected 3 components in token, got 2"},
		{"four parts", good + ".x", "Expected 3 components in token, got 4"},
		{"padded signature", good + "=", "base64url-decode token signature"},
		{"bad base64 header", "!!." + parts[1] + "." + parts[2], "Failed to base64url-decode"},
		{"too long", strings.Repeat("a", MaxTokenSize+1), "longer than"},
		{"empty", "", "Expected 3 components in token, got 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := Verify(tc.token, testKey, now)
			if err == nil {
				t.Fatalf("accepted, claims %v", claims)
			}
			if !errors.Is(err, ErrInvalidToken) {
				t.Errorf("error %v does not wrap ErrInvalidToken", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
	if _, err := Verify(good, nil, now); err == nil {
		t.Error("verified with an empty key")
	}
}

// TestVerifyExpiryAndClaimTypes: an exp in the future passes (Mesos
// checks it when present), and claims that are not strings come back as
// their JSON text, as Mesos's authenticator stringifies them.
func TestVerifyExpiryAndClaimTypes(t *testing.T) {
	tok := signRaw(`{"alg":"HS256"}`, `{"eid":"ex","exp":1700000000,"n":1.50,"o":{"a": [1, true]}}`, testKey)
	claims, err := Verify(tok, testKey, now)
	if err != nil {
		t.Fatal(err)
	}
	if claims["eid"] != "ex" || claims["exp"] != "1700000000" || claims["n"] != "1.50" || claims["o"] != `{"a":[1,true]}` {
		t.Errorf("claims %v", claims)
	}
	if _, err := Verify(tok, testKey, now.Add(time.Second)); err == nil {
		t.Error("an expired token passed")
	}
	far := signRaw(`{"alg":"HS256"}`, `{"eid":"ex","exp":1e300}`, testKey)
	if _, err := Verify(far, testKey, now); err != nil {
		t.Errorf("a token expiring in the far future: %v", err)
	}
}

// TestAuthenticate: the challenges of libprocess's JWT authenticator.
func TestAuthenticate(t *testing.T) {
	tok, err := Sign(ExecutorClaims("fw", "ex", "c"), testKey)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := Authenticate("Bearer "+tok, Realm, testKey, now)
	if err != nil || claims["eid"] != "ex" {
		t.Fatalf("claims %v, error %v", claims, err)
	}
	cases := []struct{ header, challenge string }{
		{"", `Bearer realm="mesos-agent-executor"`},
		{"Bearer", `Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Malformed 'Authorization' header"`},
		{"Bearer  " + tok, `Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Malformed 'Authorization' header"`},
		{"Basic " + tok, `Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Scheme 'Basic' unsupported"`},
		{"Bearer x.y.z", `Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Invalid JWT: Failed to decode token header: Failed to base64url-decode: illegal base64 data at input byte 0"`},
		{`Bearer "\` + tok[1:], `Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Invalid JWT: Failed to decode token header: Failed to base64url-decode: illegal base64 data at input byte 0"`},
	}
	for _, tc := range cases {
		_, err := Authenticate(tc.header, Realm, testKey, now)
		var u *Unauthorized
		if !errors.As(err, &u) {
			t.Errorf("%q: error %v", tc.header, err)
			continue
		}
		if u.Challenge != tc.challenge {
			t.Errorf("%q: challenge\n %s\nwant\n %s", tc.header, u.Challenge, tc.challenge)
		}
	}
}

// TestLoadKey: the file's bytes are the key; an empty or missing file is
// refused; a file others may read is loaded with a warning.
func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	if err := os.WriteFile(p, testKey, 0o600); err != nil {
		t.Fatal(err)
	}
	key, warning, err := LoadKey(p)
	if err != nil || string(key) != string(testKey) || warning != "" {
		t.Fatalf("key %q, warning %q, error %v", key, warning, err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, warning, err := LoadKey(p); err != nil || !strings.Contains(warning, "too open") {
		t.Errorf("warning %q, error %v", warning, err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadKey(empty); err == nil {
		t.Error("an empty key file was accepted")
	}
	if _, _, err := LoadKey(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing key file was accepted")
	}
}
