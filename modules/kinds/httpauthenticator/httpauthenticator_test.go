package httpauthenticator_test

import (
	"errors"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

func TestCheck(t *testing.T) {
	for _, r := range []*httpauthenticator.AuthenticateResponse{
		httpauthenticator.Authenticated("p"), httpauthenticator.Challenge("", `Basic realm="r"`), httpauthenticator.Refuse("no"),
	} {
		if err := httpauthenticator.Check(r); err != nil {
			t.Errorf("Check(%v) = %v", r, err)
		}
	}
	for _, r := range []*httpauthenticator.AuthenticateResponse{
		nil, {}, {Principal: &httpauthenticator.Principal{}, Forbidden: &httpauthenticator.Forbidden{}},
	} {
		if err := httpauthenticator.Check(r); !errors.Is(err, httpauthenticator.ErrInvalidResult) {
			t.Errorf("Check(%v) = %v, want ErrInvalidResult", r, err)
		}
	}
}

func TestRequest(t *testing.T) {
	r := httptest.NewRequest("POST", "/api/v1?x=1", nil)
	r.Header.Add("authorization", "Basic a")
	r.Header.Add("Authorization", "Basic b")
	r.Header.Set("Accept", "application/json")
	req := httpauthenticator.Request("mesos-master-readwrite", r)
	if req.GetRealm() != "mesos-master-readwrite" || req.GetMethod() != "POST" || req.GetUrl() != "/api/v1?x=1" || req.GetRemoteAddress() == "" {
		t.Errorf("Request = %v", req)
	}
	if got := req.Values("AUTHORIZATION"); !slices.Equal(got, []string{"Basic a", "Basic b"}) {
		t.Errorf("Values = %v", got)
	}
	if names := []string{req.GetHeaders()[0].GetName(), req.GetHeaders()[1].GetName()}; !slices.Equal(names, []string{"Accept", "Authorization"}) {
		t.Errorf("headers not sorted: %v", names)
	}
	if got := req.Values("X-Missing"); got != nil {
		t.Errorf("Values(missing) = %v", got)
	}
}
