package executorauth

import (
	"fmt"
	"strings"
	"time"
)

// Unauthorized is a refused Authorization header: answer 401 with
// Challenge as the WWW-Authenticate header (RFC 6750, section 3).
type Unauthorized struct {
	Challenge string
	Reason    string
}

func (u *Unauthorized) Error() string { return "unauthorized: " + u.Reason }

// Authenticate reads an Authorization header's value as libprocess's
// JWTAuthenticator does: "Bearer <token>", the token verified with key.
// It returns the token's claims, or an *Unauthorized whose challenge
// names realm: without error information when no header was sent (RFC
// 6750, section 3.1), with error="invalid_token" and a description
// otherwise.
func Authenticate(authorization, realm string, key []byte, now time.Time) (map[string]string, error) {
	if authorization == "" {
		return nil, &Unauthorized{Challenge: fmt.Sprintf("Bearer realm=%q", realm), Reason: "no Authorization header"}
	}
	fields := strings.Split(authorization, " ")
	if len(fields) != 2 {
		return nil, invalidChallenge(realm, "Malformed 'Authorization' header")
	}
	if fields[0] != "Bearer" {
		return nil, invalidChallenge(realm, "Scheme '"+fields[0]+"' unsupported")
	}
	claims, err := Verify(fields[1], key, now)
	if err != nil {
		return nil, invalidChallenge(realm, "Invalid JWT: "+strings.TrimPrefix(err.Error(), ErrInvalidToken.Error()+": "))
	}
	return claims, nil
}

// invalidChallenge is the challenge of a header that was sent but does
// not authenticate. The description is the client's own doing or ours,
// but still goes in a quoted string: quotes and backslashes are dropped.
func invalidChallenge(realm, description string) *Unauthorized {
	description = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, description)
	return &Unauthorized{
		Challenge: fmt.Sprintf(`Bearer realm=%q, error="invalid_token", error_description="%s"`, realm, description),
		Reason:    description,
	}
}

// HasBearer reports whether an Authorization header's value is a bearer
// token, which the operator API hands to Authenticate rather than to its
// HTTP authenticator.
func HasBearer(authorization string) bool {
	return strings.HasPrefix(authorization, "Bearer ")
}
