package state

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/polis-hub/polis/chain"
)

// The export file holds what an offline verifier needs and nothing else: the
// hub's verifier key, every signed checkpoint and every event's canonical
// bytes, each framed by a header line with its length (see docs/events.md).
const exportMagic = "polis-chain-export 1"

// ExportInfo says what an export holds.
type ExportInfo struct {
	Events      uint64
	Checkpoints int
	Key         string // the verifier key it names
}

// WriteLog writes the export of the log r holds, up to event size: the
// hub's verifier key vkey, every checkpoint, then the events. r must be one
// snapshot; an engine's WriteExport is this over its own. A Reader that
// can fail says so with an Err method (see Failing): then the export is
// cut before its last line, so that nobody takes it for whole.
func WriteLog(w io.Writer, vkey string, r Reader, size uint64, cosigned ...Cosignatures) (ExportInfo, error) {
	info := ExportInfo{Key: vkey}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "%s\nkey %s\n", exportMagic, vkey)
	heights := map[int64]bool{}
	r.Scan(PrefixCheckpoint, func(_ string, v []byte) bool {
		if noteSize(v) > size {
			// Sealed in a batch not yet published, or past the sealed
			// prefix asked for: checkpoints come in size order.
			return false
		}
		fmt.Fprintf(bw, "checkpoint %d\n", len(v))
		bw.Write(v)
		info.Checkpoints++
		heights[noteHeight(v)] = true
		return bw.WriteByte('\n') == nil // a failed write is kept for Flush
	})
	for _, c := range cosigned {
		if heights[c.Height] && len(c.Lines) > 0 {
			fmt.Fprintf(bw, "cosigned %d %d\n", c.Height, len(c.Lines))
			bw.Write(c.Lines)
			bw.WriteByte('\n')
		}
	}
	var n uint64
	r.Scan(PrefixEvent, func(_ string, v []byte) bool {
		if n >= size {
			return false
		}
		fmt.Fprintf(bw, "event %d %d\n", n, len(v))
		bw.Write(v)
		n++
		return bw.WriteByte('\n') == nil
	})
	info.Events = n
	if f, ok := r.(Failing); ok && f.Err() != nil {
		return info, f.Err()
	}
	fmt.Fprintf(bw, "end %d\n", n)
	return info, bw.Flush()
}

// Failing is a Reader that can fail underneath (an engine's I/O): reads
// then come back empty, and Err says why.
type Failing interface {
	Err() error
}

// Export is a parsed export file.
type Export struct {
	Key         string
	Checkpoints [][]byte
	Events      [][]byte
	// Cosigned holds witnesses' cosignature lines, by checkpoint height.
	Cosigned map[int64][]byte
}

// Cosignatures are witnesses' cosignature lines ("— name base64\n"
// each) for the checkpoint at Height, as an export carries them.
type Cosignatures struct {
	Height int64
	Lines  []byte
}

// noteHeight reads the height line of a stored signed checkpoint.
func noteHeight(note []byte) int64 {
	for _, l := range strings.SplitN(string(note), "\n", 6) {
		if h, ok := strings.CutPrefix(l, "height "); ok {
			n, _ := strconv.ParseInt(h, 10, 64)
			return n
		}
	}
	return 0
}

// noteSize reads the size line of a stored signed checkpoint (its second
// line, C2SP tlog-checkpoint); an unreadable one counts as past any size.
func noteSize(note []byte) uint64 {
	lines := strings.SplitN(string(note), "\n", 3)
	if len(lines) < 3 {
		return math.MaxUint64
	}
	n, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return math.MaxUint64
	}
	return n
}

// ReadExport parses an export file, bounding every frame.
func ReadExport(r io.Reader) (*Export, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	line := func() (string, error) {
		s, err := br.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", errors.New("export: truncated")
			}
			return "", err
		}
		return strings.TrimSuffix(s, "\n"), nil
	}
	first, err := line()
	if err != nil {
		return nil, err
	}
	if first != exportMagic {
		return nil, fmt.Errorf("export: not a polis chain export (first line %q)", truncate(first, 40))
	}
	kl, err := line()
	if err != nil {
		return nil, err
	}
	key, ok := strings.CutPrefix(kl, "key ")
	if !ok {
		return nil, errors.New("export: missing key line")
	}
	x := &Export{Key: key}
	for {
		h, err := line()
		if err != nil {
			return nil, err
		}
		f := strings.Fields(h)
		switch {
		case len(f) == 2 && f[0] == "end":
			if n, err := strconv.Atoi(f[1]); err != nil || n != len(x.Events) {
				return nil, fmt.Errorf("export: end says %s events, read %d", f[1], len(x.Events))
			}
			// Nothing may follow: bytes after the end are not covered by
			// anything, and a reader must not be left to guess at them.
			if extra, _ := io.Copy(io.Discard, io.LimitReader(br, 1<<20)); extra > 0 {
				return nil, fmt.Errorf("export: %d bytes after the end line (the file was appended to)", extra)
			}
			return x, nil
		case len(f) == 2 && f[0] == "checkpoint":
			b, err := frame(br, f[1], 8<<10)
			if err != nil {
				return nil, fmt.Errorf("export: checkpoint %d: %w", len(x.Checkpoints)+1, err)
			}
			x.Checkpoints = append(x.Checkpoints, b)
		case len(f) == 3 && f[0] == "cosigned":
			h, err := strconv.ParseInt(f[1], 10, 64)
			// One frame per checkpoint, after them: the frames are bounded
			// as the checkpoints are.
			_, dup := x.Cosigned[h]
			if err != nil || h < 1 || len(x.Events) > 0 || dup || len(x.Cosigned) >= len(x.Checkpoints) {
				return nil, fmt.Errorf("export: misplaced or malformed cosigned frame %q", truncate(h0(f), 40))
			}
			b, err := frame(br, f[2], 16<<10)
			if err != nil {
				return nil, fmt.Errorf("export: cosignatures of checkpoint %d: %w", h, err)
			}
			if x.Cosigned == nil {
				x.Cosigned = map[int64][]byte{}
			}
			x.Cosigned[h] = b
		case len(f) == 3 && f[0] == "event":
			if f[1] != strconv.Itoa(len(x.Events)) {
				return nil, fmt.Errorf("export: event %s out of order (want %d)", truncate(f[1], 20), len(x.Events))
			}
			b, err := frame(br, f[2], MaxEventBytes)
			if err != nil {
				return nil, fmt.Errorf("export: event %d: %w", len(x.Events), err)
			}
			x.Events = append(x.Events, b)
		default:
			return nil, fmt.Errorf("export: unexpected line %q", truncate(h, 40))
		}
	}
}

func h0(f []string) string { return strings.Join(f, " ") }

func frame(br *bufio.Reader, lenStr string, max int) ([]byte, error) {
	n, err := strconv.Atoi(lenStr)
	if err != nil || n < 0 || n > max {
		return nil, fmt.Errorf("bad length %q", truncate(lenStr, 20))
	}
	b := make([]byte, n+1)
	if _, err := io.ReadFull(br, b); err != nil {
		return nil, errors.New("truncated")
	}
	if b[n] != '\n' {
		return nil, errors.New("frame not terminated by a newline")
	}
	return b[:n], nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// Receipt proves that one event is in the log: its position and leaf hash,
// and an inclusion proof against a signed checkpoint, checkable offline
// with only the hub's verifier key.
type Receipt struct {
	Seq        uint64   `json:"seq"`
	LeafHash   string   `json:"leaf_hash"`
	Event      string   `json:"event,omitempty"` // canonical bytes; members only (ReadLog), omitted for anyone else
	Checkpoint string   `json:"checkpoint,omitempty"`
	TreeSize   int64    `json:"tree_size"`
	Proof      []string `json:"proof"`
	Sealed     bool     `json:"sealed"` // false: not yet covered by a checkpoint
	// MemberSigned: the event carries its member's own signature, so the
	// hub alone could not have written it (members only, like Event).
	MemberSigned bool `json:"member_signed,omitempty"`
}

// CheckReceipt verifies a receipt offline against the hub's verifier key.
func CheckReceipt(rc Receipt, vkey string) error {
	if !rc.Sealed {
		return errors.New("receipt is not sealed by a checkpoint yet")
	}
	v, err := chain.NewVerifier(vkey)
	if err != nil {
		return err
	}
	c, err := chain.Open([]byte(rc.Checkpoint), v)
	if err != nil {
		return err
	}
	if c.Size != rc.TreeSize {
		return fmt.Errorf("receipt tree size %d is not the checkpoint's %d", rc.TreeSize, c.Size)
	}
	// A receipt without the event (as anyone but a member gets it) proves
	// only that its leaf hash is in the log; with it, that these bytes are.
	lh := chain.LeafHash([]byte(rc.Event))
	if rc.Event == "" {
		b, err := base64Std.DecodeString(rc.LeafHash)
		if err != nil || len(b) != len(lh) {
			return errors.New("bad leaf hash")
		}
		copy(lh[:], b)
	} else if b64(lh[:]) != rc.LeafHash {
		return errors.New("event bytes do not match the leaf hash")
	}
	var p chain.InclusionProof
	for _, s := range rc.Proof {
		b, err := base64Std.DecodeString(s)
		if err != nil || len(b) != 32 {
			return errors.New("bad proof hash")
		}
		var h chain.Hash
		copy(h[:], b)
		p = append(p, h)
	}
	return chain.CheckInclusion(p, c.Size, c.Root, int64(rc.Seq), lh)
}
