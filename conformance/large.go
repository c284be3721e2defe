package conformance

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
)

// generator yields n deterministic pseudo-random bytes without holding them,
// hashing what it yields. It reports no length, so Save streams an object of
// unknown size.
type generator struct {
	src  *rand.ChaCha8
	left int64
	sum  hash.Hash
}

func newGenerator(n int64) *generator {
	return &generator{src: rand.NewChaCha8([32]byte{'g', 'o', '-', 's', 't', 'o', 'r', 'a', 'g', 'e', 's'}), left: n, sum: sha256.New()}
}

func (g *generator) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, _ := g.src.Read(p)
	g.sum.Write(p[:n])
	g.left -= int64(n)
	return n, nil
}

// hashWriter hashes what is written to it, with no WriterTo shortcut.
type hashWriter struct{ h hash.Hash }

func (w hashWriter) Write(p []byte) (int, error) { return w.h.Write(p) }

func largeCases() []testCase {
	return []testCase{
		{"stream-save-and-read", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			size := s.LargeObjectSize
			const name = "large/object.bin"
			track(t, st, name)

			saveAllowance := s.MaxExtraHeap
			if s.InProcessBytes {
				saveAllowance += 2 * size
			}
			gen := newGenerator(size)
			hs := benchmetrics.StartHeapPeak(5 * time.Millisecond)
			got, err := st.Save(ctx, name, gen, storage.SaveOptions{Conflict: storage.Overwrite, ContentType: "application/octet-stream"})
			grew := int64(hs.Growth())
			if err != nil {
				t.Fatalf("Save of %d bytes: %v", size, err)
			}
			if got != name {
				t.Fatalf("Save stored %q", got)
			}
			t.Logf("save of %d MiB: heap grew %.1f MiB (allowed %.1f MiB)", size>>20, mib(grew), mib(saveAllowance))
			if grew > saveAllowance {
				t.Errorf("saving %d MiB grew the heap by %.1f MiB, more than the %.1f MiB allowed", size>>20, mib(grew), mib(saveAllowance))
			}
			a, err := st.Stat(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			if a.Size != size {
				t.Fatalf("Stat size %d, want %d", a.Size, size)
			}

			hs = benchmetrics.StartHeapPeak(5 * time.Millisecond)
			r, err := st.Open(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			readSum := sha256.New()
			n, err := io.Copy(hashWriter{readSum}, r)
			r.Close()
			grew = int64(hs.Growth())
			if err != nil || n != size {
				t.Fatalf("read back %d bytes, %v; want %d", n, err, size)
			}
			if !bytes.Equal(readSum.Sum(nil), gen.sum.Sum(nil)) {
				t.Fatalf("read back SHA-256 %x, saved %x", readSum.Sum(nil), gen.sum.Sum(nil))
			}
			t.Logf("read of %d MiB: heap grew %.1f MiB (allowed %.1f MiB)", size>>20, mib(grew), mib(s.MaxExtraHeap))
			if grew > s.MaxExtraHeap {
				t.Errorf("reading %d MiB grew the heap by %.1f MiB, more than the %.1f MiB allowed", size>>20, mib(grew), mib(s.MaxExtraHeap))
			}

			// A ranged read from the middle returns the generator's bytes there.
			want := make([]byte, 1<<20)
			off := size/2 + 12345
			g := newGenerator(off + int64(len(want)))
			if _, err := io.CopyN(io.Discard, g, off); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(g, want); err != nil {
				t.Fatal(err)
			}
			if got := readRange(t, st, name, off, int64(len(want))); !bytes.Equal(got, want) {
				t.Fatalf("ReadRange(%d, 1 MiB) differs from what was saved", off)
			}
			if err := st.Delete(ctx, name); err != nil {
				t.Fatal(err)
			}
			runtime.GC()
		}},
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
