package e2e_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/internal/synth"
)

func TestZZDebugLarge(t *testing.T) {
	if os.Getenv("PRLAB_DEBUG") == "" {
		t.Skip()
	}
	c := synth.Generate(large)
	start := time.Now()
	rep, err := lab.Run(context.Background(), c, lab.WithPairs(lab.Pairs{Sample: 600}))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(time.Since(start))
	f, _ := os.Create("/tmp/large.json")
	rep.WriteJSON(f)
	f.Close()
	rep.WriteText(os.Stdout)
}
