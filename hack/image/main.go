// Command image builds podreach's OCI container image without a container
// daemon (internal/image): the binary built statically for linux, one
// layer on an empty base, user 65532, entrypoint /podreach. It writes an
// OCI image layout directory, optionally a tarball for docker/podman load,
// and pushes to a registry only when asked (--push).
//
//	go run ./hack/image --out dist/image                       # OCI layout
//	go run ./hack/image --out dist/image --tarball podreach.tar
//	go run ./hack/image --out dist/image --push registry.example/podreach:v1.2.3
//
// The image is reproducible: the creation time and every file's mtime are
// the commit's time ($SOURCE_DATE_EPOCH overrides it), so the same commit
// gives the same digest. The digest is printed on stdout.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/podreach/podreach/internal/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(2)
	}
}

type flags struct {
	out, tarball, push, ref string
	arch, version, revision string
	source                  string
}

func run(ctx context.Context, args []string) error {
	f := flags{}
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.StringVar(&f.out, "out", "", "write the OCI image layout to this directory (must not exist or be empty; required)")
	fs.StringVar(&f.tarball, "tarball", "", "also write a tarball for docker load / podman load")
	fs.StringVar(&f.push, "push", "", "also push the image to this reference (registry/repository:tag; credentials from docker login)")
	fs.StringVar(&f.ref, "ref", image.DefaultName, "the image name recorded in the layout and the tarball")
	fs.StringVar(&f.arch, "arch", runtime.GOARCH, "GOARCH to build for (the image's architecture)")
	fs.StringVar(&f.version, "version", "", "version label and `podreach version` (default: git describe, else dev)")
	fs.StringVar(&f.revision, "revision", "", "revision label (default: the commit, git rev-parse HEAD)")
	fs.StringVar(&f.source, "source", image.Source, "source label: the repository URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: go run ./hack/image --out DIR [--tarball FILE] [--push REF]")
	}
	f.version = orGit(f.version, "dev", "describe", "--tags", "--always", "--dirty")
	f.revision = orGit(f.revision, "unknown", "rev-parse", "HEAD")
	created, err := created()
	if err != nil {
		return err
	}
	bin, err := image.BuildBinary(ctx, ".", f.arch, f.version, f.revision)
	if err != nil {
		return err
	}
	img, err := image.Build(image.Spec{Binary: bin, Arch: f.arch, Version: f.version, Revision: f.revision, Source: f.source, Created: created})
	if err != nil {
		return err
	}
	return f.write(ctx, img)
}

// write writes and pushes what the flags ask for, and prints the digest.
func (f flags) write(ctx context.Context, img image.Image) error {
	if err := image.WriteLayout(f.out, img, f.ref); err != nil {
		return err
	}
	if f.tarball != "" {
		if err := image.WriteTarball(f.tarball, img, f.ref); err != nil {
			return err
		}
	}
	if f.push != "" {
		if err := image.Push(ctx, img, f.push); err != nil {
			return err
		}
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Println(d)
	return nil
}

// orGit returns v, else git's answer to args, else def.
func orGit(v, def string, args ...string) string {
	if v != "" {
		return v
	}
	out, err := exec.Command("git", args...).Output()
	if s := strings.TrimSpace(string(out)); err == nil && s != "" {
		return s
	}
	return def
}

// created is $SOURCE_DATE_EPOCH, else the commit's time, else the epoch.
func created() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		s = orGit("", "0", "log", "-1", "--format=%ct")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: not a number of seconds", s)
	}
	return time.Unix(n, 0).UTC(), nil
}
