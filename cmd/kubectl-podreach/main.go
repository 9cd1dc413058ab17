// Command kubectl-podreach is podreach as a kubectl plugin: install it on
// PATH and run "kubectl podreach …". Same code as cmd/podreach.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/podreach/podreach/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, "kubectl-podreach", os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr})
	stop()
	os.Exit(code)
}
