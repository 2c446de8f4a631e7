// Package config reads Guichet's settings from the environment.
package config

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"guichet/auth"
	"guichet/files"
	"guichet/links"
)

// Config is every setting, with its environment variable and default.
type Config struct {
	Env         string `env:"GUICHET_ENV" envDefault:"production"` // development or production
	DatabaseURL string `env:"DATABASE_URL"`
	// DatabasePooling is "transaction" when DATABASE_URL is a PgBouncer in
	// transaction pooling mode, whose server connections change from one
	// transaction to the next, so that no statement may stay prepared on
	// them (models.Open); empty: a direct or session-pooled connection.
	DatabasePooling string `env:"DATABASE_POOLING"`
	// DatabaseReplicaURL is a streaming replica of DATABASE_URL that lists,
	// indicators and exports read from (replica.Reader); empty: none.
	DatabaseReplicaURL string `env:"DATABASE_REPLICA_URL"`
	// ReplicaMaxLag: a replica further behind than this is not read from.
	ReplicaMaxLag time.Duration `env:"REPLICA_MAX_LAG" envDefault:"10s"`
	// DataDir holds what the program keeps on disk: its own PostgreSQL
	// cluster (when DATABASE_URL is unset), uploads, development keys.
	DataDir string `env:"DATA_DIR" envDefault:"var"`
	Host    string `env:"HOST" envDefault:"127.0.0.1"`
	Port    int    `env:"PORT" envDefault:"8080"`
	BaseURL string `env:"BASE_URL"` // default http://HOST:PORT
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges,
	// comma-separated) whose X-Forwarded-For gives the client's address,
	// which sign-in throttling counts failures by. Empty: none is trusted.
	TrustedProxies []string `env:"TRUSTED_PROXIES"`
	// MetricsAddr is where Prometheus metrics are served (host:port), on a
	// listener of their own; empty: not served.
	MetricsAddr string `env:"METRICS_ADDR"`
	// LogFormat is text (the default) or json.
	LogFormat string `env:"LOG_FORMAT" envDefault:"text"`

	// InboundAddr is where the inbound mail listener (SMTP, or LMTP when
	// InboundLMTP) takes the mail a commune's MX or Postfix relays to
	// Guichet (host:port); empty: none.
	InboundAddr string `env:"INBOUND_ADDR"`
	InboundLMTP bool   `env:"INBOUND_LMTP"`
	// InboundIMAPURL is a commune's mailbox hosted elsewhere, polled every
	// minute (inbound.ParseIMAPURL); empty: none.
	InboundIMAPURL string `env:"INBOUND_IMAP_URL"`
	// InboundTLSCert and InboundTLSKey are the certificate (PEM, its chain)
	// and key the inbound listener offers STARTTLS with; empty: no STARTTLS.
	InboundTLSCert string `env:"INBOUND_TLS_CERT"`
	InboundTLSKey  string `env:"INBOUND_TLS_KEY"`
	// InboundIMAPCA is a PEM file of the authorities the IMAP poller trusts
	// (a self-signed server's certificate) instead of the system's.
	InboundIMAPCA string `env:"INBOUND_IMAP_CA"`

	SMTPURL  string `env:"SMTP_URL"`
	MailFrom string `env:"MAIL_FROM" envDefault:"Guichet <guichet@localhost>"`

	// LinkKeys are the keys that sign e-mailed links, comma-separated,
	// base64, at least 32 bytes each. The first signs. Every other one is a
	// retired key and must say until when it still verifies, as
	// KEY@YYYY-MM-DD (through the end of that day, UTC): links signed before
	// the rotation keep working until then, and stop after. Rotate by putting
	// a new key first and the old one second with a date at least
	// BOARD_LINK_TTL ahead (the longest-lived service link); links the old
	// key made later than that are refused even if their own expiry is not
	// reached. E.g. LINK_KEYS="NEWKEY,OLDKEY@2027-03-31".
	LinkKeys       []string      `env:"LINK_KEYS"`
	FollowLinkTTL  time.Duration `env:"FOLLOW_LINK_TTL" envDefault:"2160h"`
	ServiceLinkTTL time.Duration `env:"SERVICE_LINK_TTL" envDefault:"720h"`
	BoardLinkTTL   time.Duration `env:"BOARD_LINK_TTL" envDefault:"2160h"`

	// AuditSigningKey signs the daily digests of the history's chain heads:
	// an Ed25519 seed, base64 (`guichet audit keygen`). In development, unset,
	// one is generated and kept in DataDir, like the link key.
	AuditSigningKey string `env:"AUDIT_SIGNING_KEY"`

	// FileStore is where uploaded files are kept: local (DATA_DIR/uploads,
	// one machine), postgres (the database, which every server shares,
	// and its dumps hold them) or s3 (an S3-compatible bucket, S3_*).
	FileStore string `env:"FILE_STORE" envDefault:"local"`
	// The bucket of FILE_STORE=s3: S3_ENDPOINT is its server's URL
	// (https://…; http on loopback), the bucket must exist.
	S3Endpoint  string `env:"S3_ENDPOINT"`
	S3Bucket    string `env:"S3_BUCKET"`
	S3Region    string `env:"S3_REGION"`
	S3AccessKey string `env:"S3_ACCESS_KEY"`
	S3SecretKey string `env:"S3_SECRET_KEY"`

	MaxFileSize   int64 `env:"MAX_FILE_SIZE" envDefault:"20000000"`
	MaxDemandSize int64 `env:"MAX_DEMAND_SIZE" envDefault:"100000000"`
	// MaxFilesPerField bounds the files of one question of a form;
	// MaxFilesPerDemand those of a demand, whoever added them.
	MaxFilesPerField  int `env:"MAX_FILES_PER_FIELD" envDefault:"10"`
	MaxFilesPerDemand int `env:"MAX_FILES_PER_DEMAND" envDefault:"50"`

	// ReminderDays: a service holding a demand this long gets a reminder,
	// then another every ReminderDays while it still holds it (0: none).
	ReminderDays int `env:"REMINDER_DAYS" envDefault:"7"`
	// ArchiveDays: decided demands are archived automatically after this long.
	ArchiveDays int `env:"ARCHIVE_DAYS" envDefault:"90"`
	// ReopenDays: a citizen writing in a conversation resolved less than this
	// long ago reopens it; later, a new conversation is opened and linked.
	ReopenDays int `env:"REOPEN_DAYS" envDefault:"30"`

	// DraftsPerAddress and DraftsPerClient bound the drafts started in an
	// hour per e-mail address and per client address (0: drafts.PerAddress
	// and drafts.PerClient, 5 and 20). In development, unset, they are
	// devDraftsPerAddress and devDraftsPerClient: a person trying the
	// product starts many drafts, from one machine, with one address.
	DraftsPerAddress int `env:"DRAFTS_PER_ADDRESS"`
	DraftsPerClient  int `env:"DRAFTS_PER_CLIENT"`

	// Argon2Memory is argon2id's memory cost in KiB.
	Argon2Memory uint32 `env:"ARGON2_MEMORY_KIB" envDefault:"65536"`

	// DevKeys, set by app.New, keeps the development keys in the database,
	// so that several servers of one instance share them; nil: DataDir.
	DevKeys interface {
		Keep(name, initial string) (string, error)
	} `env:"-"`
}

// Load reads the environment.
func Load() (*Config, error) {
	c := &Config{}
	if err := env.Parse(c); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if c.Env != "development" && c.Env != "production" {
		return nil, fmt.Errorf("configuration: GUICHET_ENV must be development or production, not %q", c.Env)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, fmt.Errorf("configuration: LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	if c.DatabasePooling != "" && c.DatabasePooling != "transaction" {
		return nil, fmt.Errorf("configuration: DATABASE_POOLING must be empty or transaction, not %q", c.DatabasePooling)
	}
	switch c.FileStore {
	case "local", "postgres":
	case "s3":
		if c.S3Endpoint == "" || c.S3Bucket == "" {
			return nil, errors.New("configuration: FILE_STORE=s3 needs S3_ENDPOINT and S3_BUCKET")
		}
	default:
		return nil, fmt.Errorf("configuration: FILE_STORE must be local, postgres or s3, not %q", c.FileStore)
	}
	if c.MaxFilesPerField < 1 || c.MaxFilesPerDemand < 1 {
		return nil, errors.New("configuration: MAX_FILES_PER_FIELD and MAX_FILES_PER_DEMAND must be at least 1")
	}
	if (c.InboundTLSCert == "") != (c.InboundTLSKey == "") {
		return nil, errors.New("configuration: INBOUND_TLS_CERT and INBOUND_TLS_KEY go together")
	}
	if c.BaseURL == "" {
		c.BaseURL = fmt.Sprintf("http://%s:%d", c.Host, c.Port)
	}
	if _, set := os.LookupEnv("DRAFTS_PER_ADDRESS"); c.Dev() && !set {
		c.DraftsPerAddress = devDraftsPerAddress
	}
	if _, set := os.LookupEnv("DRAFTS_PER_CLIENT"); c.Dev() && !set {
		c.DraftsPerClient = devDraftsPerClient
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c, nil
}

// The draft limits of a development instance, unless set.
const (
	devDraftsPerAddress = 200
	devDraftsPerClient  = 1000
)

// Logger is the application's logger on w, in LOG_FORMAT.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// S3 is the bucket of FILE_STORE=s3.
func (c *Config) S3() files.S3Config {
	return files.S3Config{Endpoint: c.S3Endpoint, Bucket: c.S3Bucket, Region: c.S3Region, AccessKey: c.S3AccessKey, SecretKey: c.S3SecretKey}
}

// Dev tells whether this is a development instance.
func (c *Config) Dev() bool { return c.Env == "development" }

// PasswordParams are argon2id's costs from the configuration.
func (c *Config) PasswordParams() auth.Params {
	p := auth.DefaultParams
	p.Memory = c.Argon2Memory
	if p.Memory < 1024 {
		p.Time = 1
	}
	return p
}

// Keys decodes the link keys (see LinkKeys). In development, with none
// configured, a key is generated once and kept in DataDir (never in the
// repository); in production, keys are required.
func (c *Config) Keys() ([]links.Key, error) {
	raw := c.LinkKeys
	if len(raw) == 0 {
		if !c.Dev() {
			return nil, errors.New("configuration: LINK_KEYS is required in production (generate one with `guichet keygen`)")
		}
		k, err := c.devKey()
		if err != nil {
			return nil, err
		}
		raw = []string{k}
	}
	var keys []links.Key
	for i, k := range raw {
		// base64 has no "@": what follows it is the retirement date.
		k, until, retired := strings.Cut(strings.TrimSpace(k), "@")
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(b) < 32 {
			return nil, fmt.Errorf("configuration: LINK_KEYS key #%d must be base64 of at least 32 bytes", i+1)
		}
		key := links.Key{Secret: b} // hash key only: tokens are signed, not secret
		switch {
		case i == 0 && retired:
			return nil, errors.New("configuration: the first LINK_KEYS key signs links and cannot have a retirement date")
		case i > 0 && !retired:
			return nil, fmt.Errorf("configuration: LINK_KEYS key #%d is retired and needs the date it stops verifying: KEY@YYYY-MM-DD", i+1)
		case retired:
			day, err := time.Parse(time.DateOnly, until)
			if err != nil {
				return nil, fmt.Errorf("configuration: LINK_KEYS key #%d: %q is not a date YYYY-MM-DD", i+1, until)
			}
			key.NotAfter = day.AddDate(0, 0, 1) // through the end of that day
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// AuditKey decodes AUDIT_SIGNING_KEY. In development, with none
// configured, a key is generated once and kept in DataDir; in production it
// is required.
func (c *Config) AuditKey() (ed25519.PrivateKey, error) {
	k := c.AuditSigningKey
	if k == "" {
		if !c.Dev() {
			return nil, errors.New("configuration: AUDIT_SIGNING_KEY is required in production (generate one with `guichet audit keygen`)")
		}
		var err error
		if k, err = c.kept("dev-audit-key", NewAuditKey); err != nil {
			return nil, err
		}
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("configuration: AUDIT_SIGNING_KEY must be base64 of %d bytes (an Ed25519 seed: `guichet audit keygen`)", ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// NewAuditKey makes a fresh Ed25519 seed for AUDIT_SIGNING_KEY, base64.
func NewAuditKey() string { return NewKey() } // a seed is 32 random bytes, as a link key

func (c *Config) devKey() (string, error) { return c.kept("dev-link-key", NewKey) }

// kept reads a development key from DevKeys, or DataDir, made by fresh the
// first time (a key an older version kept in DataDir moves to DevKeys).
func (c *Config) kept(name string, fresh func() string) (string, error) {
	path := filepath.Join(c.DataDir, name)
	b, err := os.ReadFile(path)
	switch {
	case c.DevKeys != nil && err == nil:
		return c.DevKeys.Keep(name, strings.TrimSpace(string(b)))
	case c.DevKeys != nil:
		return c.DevKeys.Keep(name, fresh())
	case err == nil:
		return strings.TrimSpace(string(b)), nil
	}
	k := fresh()
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return "", err
	}
	return k, os.WriteFile(path, []byte(k+"\n"), 0o600)
}

// NewKey makes a fresh random link key, base64.
func NewKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
