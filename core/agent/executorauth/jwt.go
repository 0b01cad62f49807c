// Package executorauth is Mesos's executor authentication (authentication.md,
// "Executor"): the agent signs, for each executor it launches, a JSON Web
// Token (RFC 7519, HS256 with the --jwt_secret_key contents) whose claims
// name the executor's framework ("fid"), executor ("eid") and container
// ("cid"), passes it in MESOS_EXECUTOR_AUTHENTICATION_TOKEN, and with
// --authenticate_http_executors requires it as "Authorization: Bearer
// <token>" on the executor API. This is libprocess's JWT and
// JWTAuthenticator and Mesos's JWTSecretGenerator, on the standard
// library only.
package executorauth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EnvToken is the executor environment variable holding its token.
const EnvToken = "MESOS_EXECUTOR_AUTHENTICATION_TOKEN"

// Realm is the executor API's authentication realm.
const Realm = "mesos-agent-executor"

// The claims of an executor's token (Mesos's executor principal).
const (
	ClaimFramework = "fid"
	ClaimExecutor  = "eid"
	ClaimContainer = "cid"
)

// MaxTokenSize bounds what Verify looks at: a token is a header's value,
// and ours are a few hundred bytes.
const MaxTokenSize = 16 << 10

// ErrInvalidToken is wrapped by every error Verify returns.
var ErrInvalidToken = errors.New("invalid JWT")

// enc is base64url without padding (RFC 7515, section 2).
var enc = base64.RawURLEncoding

// header is the JOSE header of the tokens Sign makes: Mesos's, with the
// keys in the order its JSON writer puts them (sorted).
const header = `{"alg":"HS256","typ":"JWT"}`

// ExecutorClaims are the claims of an executor's token.
func ExecutorClaims(frameworkID, executorID, containerID string) map[string]string {
	return map[string]string{ClaimFramework: frameworkID, ClaimExecutor: executorID, ClaimContainer: containerID}
}

// Sign returns the HS256 JWT of claims signed with key (Mesos's
// JWT::create(payload, secret)). It sets no expiry, as Mesos does not: a
// token lives as long as its executor's container.
func Sign(claims map[string]string, key []byte) (string, error) {
	if len(key) == 0 {
		return "", errors.New("sign a JWT: empty key")
	}
	var payload bytes.Buffer
	e := json.NewEncoder(&payload)
	e.SetEscapeHTML(false)
	if err := e.Encode(claims); err != nil { // map keys come out sorted
		return "", fmt.Errorf("sign a JWT: %w", err)
	}
	signing := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString(bytes.TrimSuffix(payload.Bytes(), []byte("\n")))
	return signing + "." + enc.EncodeToString(mac(signing, key)), nil
}

func mac(signing string, key []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(signing))
	return h.Sum(nil)
}

// Verify checks an HS256 token signed with key and returns its claims
// (Mesos's JWT::parse(token, secret), then its JWTAuthenticator's
// reading of the payload): three base64url parts; a JSON header whose
// "alg" is "HS256" ("none" and every other algorithm are refused), whose
// "typ", if any, is a string and which has no "crit"; a signature equal,
// compared in constant time, to the HMAC-SHA256 of the first two parts;
// a JSON object payload with at least one claim, whose "exp", if any, is
// a number not before now. String claims are returned as they are, others
// as their JSON text. Every error wraps ErrInvalidToken.
func Verify(token string, key []byte, now time.Time) (map[string]string, error) {
	if len(token) > MaxTokenSize {
		return nil, invalid("token longer than %d bytes", MaxTokenSize)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalid("Expected 3 components in token, got %d", len(parts))
	}
	if err := checkHeader(parts[0]); err != nil {
		return nil, err
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return nil, invalid("Failed to base64url-decode token signature: %v", err)
	}
	// The signature is checked before the payload is read: nothing an
	// outsider wrote is parsed beyond the header.
	if len(key) == 0 || !hmac.Equal(mac(parts[0]+"."+parts[1], key), sig) {
		return nil, invalid("Token signature does not match")
	}
	return readPayload(parts[1], now)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, fmt.Sprintf(format, args...))
}

// decodeObject base64url-decodes a part and reads it as a JSON object;
// numbers stay as written.
func decodeObject(part, what string) (map[string]json.RawMessage, error) {
	raw, err := enc.DecodeString(part)
	if err != nil {
		return nil, invalid("Failed to decode token %s: Failed to base64url-decode: %v", what, err)
	}
	var obj map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil || obj == nil {
		return nil, invalid("Failed to decode token %s: Failed to parse into JSON object", what)
	}
	if d.More() {
		return nil, invalid("Failed to decode token %s: trailing data after the JSON object", what)
	}
	return obj, nil
}

func checkHeader(part string) error {
	h, err := decodeObject(part, "header")
	if err != nil {
		return err
	}
	if typ, ok := h["typ"]; ok {
		var s string
		if json.Unmarshal(typ, &s) != nil {
			return invalid("Token 'typ' is not a string")
		}
	}
	rawAlg, ok := h["alg"]
	if !ok {
		return invalid("Failed to locate 'alg' in token JSON header")
	}
	var alg string
	if json.Unmarshal(rawAlg, &alg) != nil {
		return invalid("Token 'alg' field is not a string")
	}
	if alg != "HS256" {
		return invalid("Token 'alg' value %q does not match, expected \"HS256\"", alg)
	}
	// 'crit' names extensions that must be understood; none are.
	if _, ok := h["crit"]; ok {
		return invalid("Token 'crit' field is unsupported")
	}
	return nil
}

func readPayload(part string, now time.Time) (map[string]string, error) {
	p, err := decodeObject(part, "payload")
	if err != nil {
		return nil, err
	}
	if rawExp, ok := p["exp"]; ok {
		var exp json.Number
		if json.Unmarshal(rawExp, &exp) != nil {
			return nil, invalid("JSON payload 'exp' field is not a number")
		}
		secs, err := exp.Float64()
		if err != nil {
			return nil, invalid("JSON payload 'exp' field is not a number")
		}
		// Compared as numbers: an exp beyond int64 is far future, not
		// an overflow into the past.
		if secs < float64(now.Unix()) {
			return nil, invalid("Token has expired: exp(%s) < now(%d)", exp, now.Unix())
		}
	}
	if len(p) == 0 {
		return nil, invalid("JWT claims missing")
	}
	claims := make(map[string]string, len(p))
	for k, v := range p {
		var s string
		if json.Unmarshal(v, &s) == nil {
			claims[k] = s
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return nil, invalid("claim %q: %v", k, err)
		}
		claims[k] = c.String()
	}
	return claims, nil
}
