// Package authn holds the built-in authenticators: the HTTP authenticator
// basic (master and agent flag --http_authenticators, Mesos's default),
// which checks HTTP Basic credentials against a Mesos credentials list,
// and the authenticator crammd5 (master flag --authenticators), which
// checks a framework's or agent's principal and secret against the same
// kind of list. They implement the HttpAuthenticator and Authenticator
// kinds' contracts (modules/kinds/httpauthenticator,
// modules/kinds/authenticator) exactly as modules would.
package authn

import (
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// HTTPConstructor makes a built-in HTTP authenticator from its manifest
// parameters.
type HTTPConstructor func(params map[string]string) (httpauthenticator.HTTPAuthenticator, error)

// HTTPCatalog lists the built-in HTTP authenticators by name.
func HTTPCatalog() map[string]HTTPConstructor {
	return map[string]HTTPConstructor{"basic": NewBasic}
}

// Constructor makes a built-in authenticator from its manifest parameters.
type Constructor func(params map[string]string) (authenticator.Authenticator, error)

// Catalog lists the built-in authenticators by name.
func Catalog() map[string]Constructor {
	return map[string]Constructor{"crammd5": NewCRAMMD5}
}
