package executorauth

import (
	"errors"
	"strings"
	"testing"
)

// FuzzVerify: no input panics, every refusal wraps ErrInvalidToken, and a
// token that passes was signed with the key: signing its claims again
// gives a token that passes too, with the same claims.
func FuzzVerify(f *testing.F) {
	good, err := Sign(ExecutorClaims("fw", "ex", "c"), testKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(signRaw(`{"alg":"none"}`, `{"eid":"ex"}`, testKey))
	f.Add(signRaw(`{"alg":"HS256"}`, `{"eid":"ex","exp":1e300,"n":[1,{"a":null}]}`, testKey))
	f.Add(signRaw(`{"alg":"HS256","crit":[]}`, `{}`, testKey))
	f.Add("..")
	f.Add("a.b.c.d")
	f.Fuzz(func(t *testing.T, token string) {
		claims, err := Verify(token, testKey, now)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v does not wrap ErrInvalidToken", err)
			}
			if _, aerr := Authenticate("Bearer "+token, Realm, testKey, now); aerr == nil {
				t.Fatal("Authenticate accepted what Verify refused")
			} else if u := (*Unauthorized)(nil); !errors.As(aerr, &u) || strings.ContainsAny(u.Challenge[len(`Bearer realm="`):], "\\\n") {
				t.Fatalf("challenge of %q: %v", token, aerr)
			}
			return
		}
		if len(claims) == 0 {
			t.Fatal("accepted a token without claims")
		}
		// exp comes back as text; signed again it would be a string.
		resign := map[string]string{}
		for k, v := range claims {
			if k != "exp" {
				resign[k] = v
			}
		}
		if len(resign) == 0 {
			return
		}
		again, err := Sign(resign, testKey)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Verify(again, testKey, now)
		if err != nil {
			t.Fatalf("re-signed claims refused: %v", err)
		}
		for k, v := range resign {
			if back[k] != v {
				t.Fatalf("claim %q: %q, then %q", k, v, back[k])
			}
		}
	})
}
