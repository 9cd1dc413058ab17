package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultReloadInterval is how often CertFiles looks at its files. A
// Secret's new data reaches the pod's volume after the kubelet's sync
// period plus its cache's TTL (a minute or more), so ten seconds adds
// little to that.
const DefaultReloadInterval = 10 * time.Second

// CertFiles is a serving certificate kept current from a certificate file
// and a key file: every handshake gets the pair last loaded, and Watch
// loads them again when their contents change — as cert-manager renewing a
// Secret and the kubelet updating the mounted volume do (the kubelet
// writes the new files into a fresh directory and swaps the ..data symlink
// to it atomically; tls.crt and tls.key are symlinks through ..data, so
// both change at once). Connections already open, and requests in flight
// on them, keep the certificate they were opened with; nothing restarts.
//
// A new pair that does not load (unreadable, not PEM, the key not the
// certificate's, expired or not yet valid, or a half-written rotation: a
// new certificate next to the old key) is not used: the pair in service is
// kept and the error logged, once per content.
type CertFiles struct {
	certFile, keyFile string
	log               *slog.Logger
	now               func() time.Time
	cur               atomic.Pointer[tls.Certificate]

	mu       sync.Mutex // guards the fields below (Reload)
	cert     []byte     // contents of the pair in service
	key      []byte
	rejected []byte // contents of the last pair refused (cert then key), not logged again
}

// LoadCertFiles loads the pair in certFile and keyFile. An error here is
// fatal to the caller: there is no pair in service to fall back on.
func LoadCertFiles(certFile, keyFile string, log *slog.Logger) (*CertFiles, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c := &CertFiles{certFile: certFile, keyFile: keyFile, log: log, now: time.Now}
	cert, key, err := c.read()
	if err != nil {
		return nil, err
	}
	pair, err := c.parse(cert, key)
	if err != nil {
		return nil, fmt.Errorf("loading the serving certificate %s and key %s: %w", certFile, keyFile, err)
	}
	c.cert, c.key = cert, key
	c.cur.Store(pair)
	return c, nil
}

// GetCertificate is tls.Config.GetCertificate: the pair in service.
func (c *CertFiles) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cur.Load(), nil
}

// TLSConfig is a server configuration serving the pair in service.
func (c *CertFiles) TLSConfig() *tls.Config {
	return &tls.Config{GetCertificate: c.GetCertificate, MinVersion: tls.VersionTLS12}
}

// Watch calls Reload every interval until ctx is done.
func (c *CertFiles) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.Reload()
		}
	}
}

// Reload reads the files and, when their contents changed, puts the new
// pair in service. It reports whether it did; a pair that does not load is
// logged (once) and changes nothing.
func (c *CertFiles) Reload() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	cert, key, err := c.read()
	if err == nil && bytes.Equal(cert, c.cert) && bytes.Equal(key, c.key) {
		return false
	}
	var pair *tls.Certificate
	if err == nil {
		pair, err = c.parse(cert, key)
	}
	if err != nil {
		seen := append(append([]byte(err.Error()), cert...), key...)
		if !bytes.Equal(seen, c.rejected) {
			c.rejected = seen
			c.log.Error("serving certificate not reloaded: keeping the one in service", "cert", c.certFile, "key", c.keyFile, "error", err.Error())
		}
		return false
	}
	c.cert, c.key, c.rejected = cert, key, nil
	c.cur.Store(pair)
	c.log.Info("serving certificate reloaded", "cert", c.certFile, "subject", pair.Leaf.Subject.String(),
		"serial", pair.Leaf.SerialNumber.Text(16), "notAfter", pair.Leaf.NotAfter.UTC().Format(time.RFC3339))
	return true
}

// read returns the files' contents (through symlinks: ..data is followed
// to the directory in service).
func (c *CertFiles) read() (cert, key []byte, err error) {
	if cert, err = os.ReadFile(c.certFile); err != nil {
		return nil, nil, fmt.Errorf("reading the serving certificate: %w", err)
	}
	if key, err = os.ReadFile(c.keyFile); err != nil {
		return nil, nil, fmt.Errorf("reading the serving key: %w", err)
	}
	return cert, key, nil
}

// parse checks that key is cert's and that cert is valid now.
func (c *CertFiles) parse(cert, key []byte) (*tls.Certificate, error) {
	pair, err := tls.X509KeyPair(cert, key)
	if err != nil {
		return nil, err
	}
	leaf := pair.Leaf // set by X509KeyPair since Go 1.23
	switch now := c.now(); {
	case now.After(leaf.NotAfter):
		return nil, fmt.Errorf("the certificate expired at %s", leaf.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(leaf.NotBefore):
		return nil, fmt.Errorf("the certificate is not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	return &pair, nil
}
