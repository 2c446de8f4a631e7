package files

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/uptrace/bun"
)

// S3 keeps contents as objects of an S3-compatible bucket, each named by
// its SHA-256 (FILE_STORE=s3). Objects are not in the database's
// transactions: a content is sent before the rows that refer to it commit
// (a failed transaction leaves an object no row names, as Disk leaves a
// file), and removed when the last row that named it is gone.
type S3 struct {
	Client *minio.Client
	Bucket string
}

// S3Config is where the bucket is: S3_ENDPOINT (an http or https URL),
// S3_BUCKET, S3_REGION and the access key.
type S3Config struct {
	Endpoint, Bucket, Region, AccessKey, SecretKey string
}

// NewS3 connects to the bucket of cfg and checks that it exists, so that a
// server with a wrong bucket stops at its start rather than at an upload.
func NewS3(cfg S3Config) (*S3, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("files: S3_ENDPOINT must be an http or https URL, not %q", cfg.Endpoint)
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: cfg.Region,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("files: S3 bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("files: S3 bucket %q does not exist at %s", cfg.Bucket, cfg.Endpoint)
	}
	return &S3{Client: c, Bucket: cfg.Bucket}, nil
}

// Put hashes the content before it sends it, so that no object ever holds
// bytes that are not its name's. A reader that cannot seek (none of the
// application's) is spooled to a temporary file first.
func (s *S3) Put(ctx context.Context, _ bun.IDB, sha string, r io.Reader) (int64, error) {
	if err := checkSHA(sha); err != nil {
		return 0, err
	}
	if info, err := s.Client.StatObject(ctx, s.Bucket, sha, minio.StatObjectOptions{}); err == nil {
		return info.Size, nil // content-addressed: the same bytes
	} else if !noSuchKey(err) {
		return 0, err
	}
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		tmp, err := os.CreateTemp("", "guichet-s3-*")
		if err != nil {
			return 0, err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, r); err != nil {
			return 0, err
		}
		rs = tmp
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	h := sha256.New()
	n, err := io.Copy(h, rs)
	if err != nil {
		return 0, err
	}
	if !matches(h, sha) {
		return 0, ErrChecksum
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	_, err = s.Client.PutObject(ctx, s.Bucket, sha, rs, n, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return n, err
}

// Open reads an object; a range is a ranged GET (minio.Object seeks).
func (s *S3) Open(ctx context.Context, sha string) (File, error) {
	if err := checkSHA(sha); err != nil {
		return nil, err
	}
	obj, err := s.Client.GetObject(ctx, s.Bucket, sha, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if noSuchKey(err) {
			return nil, os.ErrNotExist
		}
		return nil, err
	}
	return obj, nil
}

// Remove deletes an object; one already gone is not an error.
func (s *S3) Remove(ctx context.Context, _ bun.IDB, sha string) error {
	if err := checkSHA(sha); err != nil {
		return err
	}
	err := s.Client.RemoveObject(ctx, s.Bucket, sha, minio.RemoveObjectOptions{})
	if noSuchKey(err) {
		return nil
	}
	return err
}

func noSuchKey(err error) bool {
	if err == nil {
		return false
	}
	resp := minio.ToErrorResponse(err)
	return resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound
}
