package main

import (
	"net/http"
)

// basicAuthClient is an HTTP client that sends the framework's credential
// on every scheduler call, as Mesos's scheduler library does with
// --principal and --secret (HTTP basic authentication). Its Timeout stays
// zero: the event stream stays open.
func basicAuthClient(principal, secret string) *http.Client {
	return &http.Client{Transport: &basicAuth{principal: principal, secret: secret, next: http.DefaultTransport}}
}

type basicAuth struct {
	principal, secret string
	next              http.RoundTripper
}

func (b *basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	// A RoundTripper must not modify the request it is given.
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.principal, b.secret)
	return b.next.RoundTrip(r)
}
