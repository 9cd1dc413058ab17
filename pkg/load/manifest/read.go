package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/podreach/podreach/pkg/model"
)

// Reading sources within bounds: only regular files, and no more bytes
// than the input size limits.
//
// A directory walk meets whatever a repository or a mounted volume holds:
// a FIFO named x.yaml would block a read forever, a symbolic link to
// /dev/zero or /dev/urandom never ends. Such files are skipped with a
// notice; named explicitly they are an error. The type is checked before
// opening (opening some devices has effects), and again on the opened
// descriptor, since the path may have been replaced in between; the open
// itself is non-blocking so that a FIFO cannot hang it.

// Default input size limits (WithMaxInputSize). A `kubectl get -A -o yaml`
// of pods, workloads, services and policies weighs about 4 KiB per pod
// (managed fields omitted, as kubectl does by default), about 600 MiB for
// the 150,000 pods Kubernetes supports in one cluster; the limits leave
// room above that while stopping endless inputs before memory runs out.
const (
	DefaultMaxFileSize  int64 = 1 << 30 // one file, or standard input
	DefaultMaxTotalSize int64 = 4 << 30 // every source of one Load together
)

// notRegularError is the error for a source that is not a regular file.
type notRegularError struct{ mode fs.FileMode }

func (e notRegularError) Error() string {
	return "not a regular file but " + modeName(e.mode)
}

// modeName names a file type for people.
func modeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "an irregular file"
}

// openRegular opens path, which must be (or link to) a regular file, and
// returns it with its size. The file type is checked on the path and
// again on the opened descriptor.
func openRegular(path string) (*os.File, int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if !info.Mode().IsRegular() {
		return nil, 0, notRegularError{info.Mode()}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	return checkOpened(f)
}

// checkOpened returns f and its size if it is a regular file; else it
// closes f.
func checkOpened(f *os.File) (*os.File, int64, error) {
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = notRegularError{info.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, info.Size(), nil
}

// loadFile reads the file at path. A file that is not regular is an error
// when named explicitly, and skipped with a notice when a walk found it.
func (b *builder) loadFile(path string, named bool) {
	f, size, err := openRegular(path)
	var nr notRegularError
	switch {
	case errors.As(err, &nr) && !named:
		b.diags = append(b.diags, model.Diagnostic{Severity: model.Notice, Source: model.Source{File: path},
			Message: "skipped: " + nr.Error()})
		return
	case errors.As(err, &nr):
		b.errorAt(model.Source{File: path}, "", nr.Error()+"; podreach reads files, directories and - (standard input)")
		return
	case err != nil:
		b.ioError(path, err)
		return
	}
	defer f.Close()
	data, ok := b.readAll(path, f, size)
	if ok {
		b.decode(path, data)
	}
}

func (b *builder) loadStdin() {
	if b.opts.stdin == nil {
		b.errorAt(model.Source{File: stdinName}, "", `source "-" given but no standard input is configured`)
		return
	}
	data, ok := b.readAll(stdinName, b.opts.stdin, 0)
	if ok {
		b.decode(stdinName, data)
	}
}

// readAll reads r to its end within the input size limits; size, when
// known, sizes the buffer. Past a limit it stops reading and reports it.
func (b *builder) readAll(name string, r io.Reader, size int64) ([]byte, bool) {
	limit, perFile := b.opts.maxFile, true
	if left := b.opts.maxTotal - b.read; left < limit {
		limit, perFile = max(left, 0), false
	}
	if size > limit {
		b.tooLarge(name, size, perFile)
		return nil, false
	}
	buf := make([]byte, 0, max(size+1, 512)) // +1: the read that sees EOF
	data, err := readLimited(buf, r, limit+1)
	b.read += int64(len(data))
	switch {
	case err != nil:
		b.ioError(name, err)
		return nil, false
	case int64(len(data)) > limit:
		b.tooLarge(name, 0, perFile)
		return nil, false
	}
	return data, true
}

// readLimited appends to buf what r yields, up to n bytes, reading into
// buf's spare room (as os.ReadFile does: no second copy).
func readLimited(buf []byte, r io.Reader, n int64) ([]byte, error) {
	lr := io.LimitReader(r, n)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// tooLarge reports an input over the limit: the per-file one, or what is
// left of the total. size is the input's size when known before reading.
func (b *builder) tooLarge(name string, size int64, perFile bool) {
	which := fmt.Sprintf("the limit of %s per file", FormatSize(b.opts.maxFile))
	if !perFile {
		which = fmt.Sprintf("what is left of the limit of %s for all inputs together", FormatSize(b.opts.maxTotal))
	}
	if size > 0 {
		which += " (it has " + FormatSize(size) + ")"
	}
	b.errorAt(model.Source{File: name}, "", fmt.Sprintf("input larger than %s; not read: raise the input size limit to read it", which))
}

// byteSize formats n bytes in binary units: "512 MiB", "1.5 GiB", "100 B".
func FormatSize(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n)/1024, 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d %ciB", int64(f), units[i])
	}
	return fmt.Sprintf("%.1f %ciB", f, units[i])
}

func (b *builder) ioError(path string, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	b.errorAt(model.Source{File: path}, "", "cannot read: "+err.Error())
}
