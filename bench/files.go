package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/uptrace/bun"

	"guichet/files"
)

// fileStores measures uploading (received, hashed, sniffed, kept by a
// transaction) and downloading (read to the end) a file of 1 MB and of
// 20 MB with each FILE_STORE (s3 when S3_ENDPOINT names a bucket), and the
// Go heap each takes: the figures
// docs/SCALING.md chooses the shared store by. The contents are random
// (uploads are compressed already) and each upload a new one; what the
// measure kept is deleted after it.
func (b *bed) fileStores(ctx context.Context) error {
	tmp, err := os.MkdirTemp("", "guichet-bench-files-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	kinds := []string{files.Local, files.Postgres}
	if b.o.S3.Endpoint != "" {
		kinds = append(kinds, files.Bucket)
	}
	for _, kind := range kinds {
		store, err := files.New(kind, tmp, b.db, b.o.S3)
		if err != nil {
			return err
		}
		for _, size := range []int{1_000_000, 20_000_000} {
			if err := b.fileStore(ctx, kind, store, size); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *bed) fileStore(ctx context.Context, kind string, store *files.Store, size int) error {
	up, down := fmt.Sprintf("file upload, %s, %d MB", kind, size/1_000_000), fmt.Sprintf("file download, %s, %d MB", kind, size/1_000_000)
	if !b.want(up) && !b.want(down) {
		return nil
	}
	content := make([]byte, size)
	rand.Read(content)
	copy(content, "%PDF-1.7\n")
	var kept []string
	defer func() {
		for _, sha := range kept {
			store.Remove(context.WithoutCancel(ctx), b.db, sha)
		}
	}()
	n := uint64(0)
	keep := func(ctx context.Context, _ int) error {
		n++
		binary.BigEndian.PutUint64(content[16:], n) // a new content each time
		u, err := store.Receive(bytes.NewReader(content), int64(size))
		if err != nil {
			return err
		}
		defer u.Discard()
		if err := b.db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error { return u.Keep(ctx, tx) }); err != nil {
			return err
		}
		kept = append(kept, u.SHA256)
		return nil
	}
	heap := peakHeap()
	r, err := latency(ctx, up, b.o.Duration, keep)
	if err != nil {
		return err
	}
	r.Note = fmt.Sprintf("%.0f MB/s, heap peak +%.0f MB", r.PerSec*float64(size)/1e6, heap())
	b.add(r)

	heap = peakHeap()
	r, err = latency(ctx, down, b.o.Duration, func(ctx context.Context, i int) error {
		f, err := store.Open(ctx, kept[i%len(kept)])
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(io.Discard, f)
		return err
	})
	if err != nil {
		return err
	}
	r.Note = fmt.Sprintf("%.0f MB/s, heap peak +%.0f MB", r.PerSec*float64(size)/1e6, heap())
	b.add(r)
	return nil
}

// peakHeap samples the Go heap in use until the returned function is
// called, which tells its peak above the heap at the start, in MB.
func peakHeap() func() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		return float64(peak-base) / 1e6
	}
}
