package live

import (
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Connection is how to reach a cluster: the kubeconfig (KUBECONFIG, a list
// of files, or --kubeconfig) and kubectl's override flags. The zero value
// is not usable; use NewConnection.
type Connection struct {
	rules     *clientcmd.ClientConfigLoadingRules
	overrides *clientcmd.ConfigOverrides
	config    clientcmd.ClientConfig
}

// NewConnection returns a connection that loads the kubeconfig as kubectl
// does.
func NewConnection() *Connection {
	return &Connection{
		rules:     clientcmd.NewDefaultClientConfigLoadingRules(),
		overrides: &clientcmd.ConfigOverrides{},
	}
}

// AddFlags adds kubectl's connection flags (--kubeconfig, --context,
// --cluster, --user, --server, --token, --as, --request-timeout, …), all
// but --namespace, which the caller owns.
func (c *Connection) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.rules.ExplicitPath, clientcmd.RecommendedConfigPathFlag, "", "path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
	names := clientcmd.RecommendedConfigOverrideFlags("")
	names.ContextOverrideFlags.Namespace = clientcmd.FlagInfo{}
	clientcmd.BindOverrideFlags(c.overrides, fs, names)
}

func (c *Connection) clientConfig() clientcmd.ClientConfig {
	if c.config == nil {
		c.config = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(c.rules, c.overrides)
	}
	return c.config
}

// Namespace returns the current context's namespace ("default" when it
// names none).
func (c *Connection) Namespace() (string, error) {
	ns, _, err := c.clientConfig().Namespace()
	if err != nil {
		return "", connError(err)
	}
	return ns, nil
}

// Context returns the name of the kubeconfig context in use ("" when the
// connection is given by flags alone).
func (c *Connection) Context() string {
	if c.overrides.CurrentContext != "" {
		return c.overrides.CurrentContext
	}
	raw, err := c.clientConfig().RawConfig()
	if err != nil {
		return ""
	}
	return raw.CurrentContext
}

// restConfig returns the client configuration, with podreach's rate limits.
func (c *Connection) restConfig() (*rest.Config, error) {
	cfg, err := c.clientConfig().ClientConfig()
	if err != nil {
		return nil, connError(err)
	}
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100 // sequential lists; the server's priority and fairness still applies
	}
	cfg.UserAgent = "podreach"
	return cfg, nil
}

// connError explains a kubeconfig that cannot be used.
func connError(err error) error {
	if clientcmd.IsEmptyConfig(err) {
		return fmt.Errorf("no cluster configured: no kubeconfig found ($KUBECONFIG, ~/.kube/config or --kubeconfig) and not running in a pod")
	}
	return fmt.Errorf("kubeconfig: %w", err)
}
