package report

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	"github.com/podreach/podreach/internal/escape"
)

//go:embed assets/body.html assets/style.css assets/js/*.js assets/vendor/cytoscape.min.js
var assets embed.FS

// scripts are concatenated in this order into the page's script.
var scripts = []string{"core", "checks", "graph", "layout", "graphui", "details", "matrix", "policies", "exposure", "diff", "main"}

// csp forbids every request: scripts, styles and images come from the page
// itself; no fetch, frame, font or form target is allowed.
const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// page writes the HTML document and returns its size.
func page(w io.Writer, d *data, title string) (int64, error) {
	payload, err := encode(d)
	if err != nil {
		return 0, err
	}
	css, err := assets.ReadFile("assets/style.css")
	if err != nil {
		return 0, err
	}
	body, err := assets.ReadFile("assets/body.html")
	if err != nil {
		return 0, err
	}
	lib, err := assets.ReadFile("assets/vendor/cytoscape.min.js")
	if err != nil {
		return 0, err
	}
	var app []byte
	for _, s := range scripts {
		js, err := assets.ReadFile("assets/js/" + s + ".js")
		if err != nil {
			return 0, err
		}
		app = append(app, js...)
	}
	cw := &countWriter{w: bufio.NewWriterSize(w, 64<<10)}
	fmt.Fprintf(cw, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"+
		"<meta name=\"generator\" content=\"podreach\">\n<title>%s</title>\n<style>\n", csp, escape.HTML(title))
	cw.Write(css)
	io.WriteString(cw, "</style>\n</head>\n<body>\n")
	cw.Write(body)
	io.WriteString(cw, "<script id=\"podreach-data\" type=\"application/octet-stream\">\n")
	for len(payload) > 0 {
		n := min(len(payload), 120)
		cw.Write(payload[:n])
		io.WriteString(cw, "\n")
		payload = payload[n:]
	}
	io.WriteString(cw, "</script>\n<script>\n")
	cw.Write(lib)
	io.WriteString(cw, "\n</script>\n<script>\n")
	cw.Write(app)
	io.WriteString(cw, "</script>\n</body>\n</html>\n")
	if cw.err != nil {
		return cw.n, cw.err
	}
	return cw.n, cw.w.(*bufio.Writer).Flush()
}

// encode returns the data as base64 of gzip of JSON.
func encode(d *data) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(d); err != nil {
		return nil, fmt.Errorf("encoding the report data: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	out := make([]byte, base64.StdEncoding.EncodedLen(buf.Len()))
	base64.StdEncoding.Encode(out, buf.Bytes())
	return out, nil
}

// countWriter counts bytes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
