// Package s3test starts a real S3-compatible server for tests: SeaweedFS
// (`weed server -s3`, Apache 2.0), its master, volume, filer and S3 gateway
// in one process on loopback ports, its data in a temporary directory.
// scripts/install.sh builds the `weed` binary when it is missing.
package s3test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"guichet/files"
)

// Binary is the SeaweedFS binary: WEED if set, else `weed` on PATH or in
// Go's bin directory, where scripts/install.sh puts it.
func Binary() (string, error) {
	if p := os.Getenv("WEED"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("weed"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "weed")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("s3test: SeaweedFS's weed not found (on PATH, in %s, or WEED): run scripts/install.sh", p)
	}
	return p, nil
}

// Server starts SeaweedFS with an empty bucket and gives the store's
// configuration; it stops with the test.
func Server(tb testing.TB) files.S3Config {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	// Each component's HTTP port and its gRPC port, all chosen free, so
	// that packages testing at once do not meet.
	ports := freePorts(tb, 11)
	p := func(i int) string { return strconv.Itoa(ports[i]) }
	cmd := exec.Command(bin, "server", "-dir="+dir, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port="+p(0), "-master.port.grpc="+p(1),
		"-volume.port="+p(2), "-volume.port.grpc="+p(3), "-volume.max=64", "-master.volumeSizeLimitMB=64",
		"-filer", "-filer.port="+p(4), "-filer.port.grpc="+p(5),
		"-s3", "-s3.port="+p(6), "-s3.port.grpc="+p(7), "-s3.port.iceberg="+p(9), "-s3.port.lance="+p(10),
		"-metricsPort="+p(8))
	log, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
	})
	cfg := files.S3Config{Endpoint: "http://127.0.0.1:" + p(6), Bucket: "guichet-test", Region: "us-east-1", AccessKey: "guichet", SecretKey: "guichet-test"}
	c, err := minio.New("127.0.0.1:"+p(6), &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Region: cfg.Region})
	if err != nil {
		tb.Fatal(err)
	}
	// The gateway answers once the filer and a volume are up: until then
	// a bucket cannot be made. Waited by its answers, not by a clock.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		err = c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			out, _ := os.ReadFile(log.Name())
			tb.Fatalf("s3test: SeaweedFS did not start: %v\n%s", err, tail(out))
		}
		waitHTTP(ctx, cfg.Endpoint)
	}
	return cfg
}

// NewBucket makes another empty bucket on the server of cfg.
func NewBucket(tb testing.TB, cfg files.S3Config, name string) files.S3Config {
	tb.Helper()
	c, err := minio.New(strings.TrimPrefix(cfg.Endpoint, "http://"), &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Region: cfg.Region})
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.MakeBucket(context.Background(), name, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
		tb.Fatal(err)
	}
	cfg.Bucket = name
	return cfg
}

// waitHTTP returns once the endpoint answers anything, or ctx ends.
func waitHTTP(ctx context.Context, url string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	select {
	case <-ctx.Done():
	case <-time.After(100 * time.Millisecond):
	}
}

func freePorts(tb testing.TB, n int) []int {
	var ls []net.Listener
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}
