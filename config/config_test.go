package config_test

import (
	"strings"
	"testing"
	"time"

	"guichet/config"
)

func TestKeys(t *testing.T) {
	k1, k2 := config.NewKey(), config.NewKey()
	tests := []struct {
		name     string
		keys     []string
		err      string
		notAfter []time.Time
	}{
		{"one key", []string{k1}, "", []time.Time{{}}},
		{"retired key with its date", []string{k1, k2 + "@2027-03-31"}, "", []time.Time{{}, time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)}},
		{"retired key without a date", []string{k1, k2}, "needs the date", nil},
		{"signing key with a date", []string{k1 + "@2027-03-31", k2 + "@2027-03-31"}, "cannot have a retirement date", nil},
		{"bad date", []string{k1, k2 + "@31/03/2027"}, "not a date", nil},
		{"short key", []string{"c2hvcnQ="}, "at least 32 bytes", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &config.Config{Env: "production", LinkKeys: tt.keys}
			keys, err := c.Keys()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, k := range keys {
				if !k.NotAfter.Equal(tt.notAfter[i]) || len(k.Secret) != 32 {
					t.Fatalf("key %d: %v, %d bytes", i, k.NotAfter, len(k.Secret))
				}
			}
		})
	}
}

func TestDevelopmentKeyIsGeneratedOnceAndKept(t *testing.T) {
	c := &config.Config{Env: "development", DataDir: t.TempDir()}
	a, err := c.Keys()
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Keys()
	if err != nil {
		t.Fatal(err)
	}
	if string(a[0].Secret) != string(b[0].Secret) {
		t.Fatal("the development key changed between two starts")
	}
	if _, err := (&config.Config{Env: "production"}).Keys(); err == nil {
		t.Fatal("production without LINK_KEYS started")
	}
}

func TestFileCountLimits(t *testing.T) {
	c, err := config.Load()
	if err != nil || c.MaxFilesPerField != 10 || c.MaxFilesPerDemand != 50 {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	t.Setenv("MAX_FILES_PER_FIELD", "0")
	if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "MAX_FILES_PER_FIELD") {
		t.Fatalf("no file per field: %v", err)
	}
}

// TestDevelopmentDraftLimits: a development instance lets a person trying
// the product start many drafts; production keeps drafts' limits; a set
// value wins in both.
func TestDevelopmentDraftLimits(t *testing.T) {
	for _, tc := range []struct {
		env, perClient       string
		wantAddress, wantCli int
	}{
		{"development", "", 200, 1000},
		{"production", "", 0, 0},
		{"development", "30", 200, 30},
	} {
		t.Setenv("GUICHET_ENV", tc.env)
		if tc.perClient != "" {
			t.Setenv("DRAFTS_PER_CLIENT", tc.perClient)
		}
		c, err := config.Load()
		if err != nil {
			t.Fatal(err)
		}
		if c.DraftsPerAddress != tc.wantAddress || c.DraftsPerClient != tc.wantCli {
			t.Errorf("%s, DRAFTS_PER_CLIENT=%q: limits %d and %d, want %d and %d", tc.env, tc.perClient, c.DraftsPerAddress, c.DraftsPerClient, tc.wantAddress, tc.wantCli)
		}
	}
}

// LOG_FORMAT is text by default, json on demand, and nothing else.
func TestLogFormat(t *testing.T) {
	c, err := config.Load()
	if err != nil || c.LogFormat != "text" || c.MetricsAddr != "" {
		t.Fatalf("defaults: %q %q %v", c.LogFormat, c.MetricsAddr, err)
	}
	t.Setenv("LOG_FORMAT", "xml")
	if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "LOG_FORMAT") {
		t.Fatalf("LOG_FORMAT=xml: %v", err)
	}
}

// The inbound listener's certificate and key go together.
func TestInboundTLSPair(t *testing.T) {
	t.Setenv("INBOUND_TLS_CERT", "/etc/guichet/cert.pem")
	if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "INBOUND_TLS_KEY") {
		t.Fatalf("a certificate without its key: %v", err)
	}
	t.Setenv("INBOUND_TLS_KEY", "/etc/guichet/key.pem")
	if c, err := config.Load(); err != nil || c.InboundTLSKey != "/etc/guichet/key.pem" {
		t.Fatalf("both: %v", err)
	}
}

// DATABASE_POOLING is empty (direct or session pooling) or transaction, and
// a typo is refused rather than taken for a direct connection.
func TestDatabasePooling(t *testing.T) {
	for _, v := range []string{"", "transaction"} {
		t.Setenv("DATABASE_POOLING", v)
		if c, err := config.Load(); err != nil || c.DatabasePooling != v {
			t.Fatalf("DATABASE_POOLING=%q: %+v %v", v, c, err)
		}
	}
	t.Setenv("DATABASE_POOLING", "transactions")
	if _, err := config.Load(); err == nil || !strings.Contains(err.Error(), "DATABASE_POOLING") {
		t.Fatalf("DATABASE_POOLING=transactions: %v", err)
	}
}

func TestFileStoreIsLocalPostgresOrABucket(t *testing.T) {
	for value, ok := range map[string]bool{"": true, "local": true, "postgres": true, "s3": false, "s3 with its bucket": true, "Postgres": false} {
		t.Run(value, func(t *testing.T) {
			if kind, bucket := strings.CutSuffix(value, " with its bucket"); bucket {
				value = kind
				t.Setenv("S3_ENDPOINT", "https://s3.exemple.fr")
				t.Setenv("S3_BUCKET", "guichet")
			}
			if value != "" {
				t.Setenv("FILE_STORE", value)
			}
			c, err := config.Load()
			if ok != (err == nil) {
				t.Fatalf("FILE_STORE=%q: %v", value, err)
			}
			if value == "s3" && !ok && !strings.Contains(err.Error(), "S3_ENDPOINT") {
				t.Errorf("FILE_STORE=s3 without a bucket: %v", err)
			}
			if value == "" && c.FileStore != "local" {
				t.Errorf("FILE_STORE unset: %q", c.FileStore)
			}
		})
	}
}
