// Package e2e runs the packet lab on the real kernel: the shipped example
// (broken, seed-fixed, podreach-fixed) and generated clusters must agree
// with the engine on every probed connection. The tests need root, ip, nft
// and nf_tables: they skip loudly without them, fail in CI (CI=true), and
// skip under -short.
package e2e_test

import (
	"context"
	"os"
	"testing"

	"github.com/podreach/podreach/internal/cli"
	"github.com/podreach/podreach/internal/lab"
)

// TestMain doubles as the podreach command (PRLAB_E2E_CLI=1) and as a lab
// run to be killed (PRLAB_E2E_KILLME=1), for the tests that need another
// process.
func TestMain(m *testing.M) {
	switch {
	case os.Getenv("PRLAB_E2E_CLI") == "1":
		os.Exit(cli.Run(context.Background(), "podreach", os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
	case os.Getenv("PRLAB_E2E_KILLME") == "1":
		runToBeKilled()
		os.Exit(3)
	}
	// Paths in the tests and in docs/lab.md are relative to the repository.
	if err := os.Chdir("../../.."); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// requireLab skips (or, in CI, fails) when this machine cannot run the lab.
func requireLab(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("lab tests touch the kernel: skipped under -short")
	}
	if err := lab.CheckEnv(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the lab tests: %v", err)
		}
		t.Skipf("SKIPPING THE LAB TESTS: %v", err)
	}
}
