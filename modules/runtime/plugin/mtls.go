package plugin

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"sync"
	"time"
)

// Detached plugins use mutual TLS like go-plugin's AutoMTLS (which cannot
// reattach): the host makes a one-off client certificate, the plugin
// answers with its own in the handshake, and both are pinned. The host
// keeps the pair in the reattach record so that the next daemon can
// connect to the same process, and nobody else can.

// clientCert is the host's certificate for one plugin process.
type clientCert struct {
	certPEM, keyPEM []byte
	pair            tls.Certificate
}

func newClientCert() (*clientCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"gomesos plugin host"}},
		DNSNames:              []string{"localhost"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(20 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return parseClientCert(
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

func parseClientCert(certPEM, keyPEM []byte) (*clientCert, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return &clientCert{certPEM: certPEM, keyPEM: keyPEM, pair: pair}, nil
}

// serverCert captures the plugin's certificate on the first connection.
type serverCert struct {
	mu  sync.Mutex
	der []byte
}

func (s *serverCert) get() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.der
}

// tlsConfig is the client configuration for a plugin. With the plugin's
// certificate known (reattaching) it is pinned; otherwise go-plugin pins
// the one the handshake brings and capture records it.
func (c *clientCert) tlsConfig(pinned []byte, capture *serverCert) (*tls.Config, error) {
	cfg := &tls.Config{
		Certificates: []tls.Certificate{c.pair},
		ServerName:   "localhost",
		MinVersion:   tls.VersionTLS12,
	}
	if pinned != nil {
		cert, err := x509.ParseCertificate(pinned)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		pool.AddCert(cert)
		cfg.RootCAs = pool
	}
	if capture != nil {
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the plugin presented no certificate")
			}
			capture.mu.Lock()
			if capture.der == nil {
				capture.der = cs.PeerCertificates[0].Raw
			}
			capture.mu.Unlock()
			return nil
		}
	}
	return cfg, nil
}
