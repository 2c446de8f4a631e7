package handlers_test

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// BenchmarkUpload20MB uploads a 20 MB document through the real router, as
// htmx does when a file is chosen, and reports the peak growth of the Go heap
// while it streams (client and server share this process): memory stays
// flat because the file goes from the socket to the disk in small buffers.
//
//	go test -run '^$' -bench Upload20MB -benchmem ./handlers/
func BenchmarkUpload20MB(b *testing.B) {
	a := newApp(b)
	// As many uploads as iterations.
	a.Config.MaxDemandSize, a.Config.MaxFilesPerField, a.Config.MaxFilesPerDemand = 1<<50, 1<<30, 1<<30
	a.demoProcedures()
	c := a.client()
	path := startDraft(b, c, a.Commune.Slug, "signalement-dysfonctionnement", "claude@exemple.fr")
	const size = 20_000_000

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()

	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			w, err := mw.CreateFormFile("fichier:photo", fmt.Sprintf("scan-%d.pdf", i))
			if err == nil {
				// Each file differs, so each is really stored.
				head := fmt.Sprintf("%%PDF-1.7\n%% %d\n", i)
				_, err = io.Copy(w, io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size-int64(len(head)))))
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest(http.MethodPost, a.URL+path+"/pieces?champ=photo", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		res, err := c.hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Fichier joint") {
			b.Fatalf("upload %d: %d %s", i, res.StatusCode, body)
		}
	}
	b.StopTimer()
	close(stop)
	<-sampled
	b.ReportMetric(float64(peak.Load()-min(base, peak.Load()))/1e6, "MB-heap-peak-growth")
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				b.Logf("process peak RSS (VmHWM, whole benchmark binary): %s", strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
			}
		}
	}
}
