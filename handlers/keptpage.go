package handlers

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"hash/crc32"
	"html"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"

	"github.com/karaoke-night/karaoke/views"
)

// keptPage is a rendered page kept to be sent again, split at its slots:
// the one-time keys (views.RetapSlot), filled afresh for every answer, and
// the secret (views.SecretSlot) and the device's name (views.DeviceSlot),
// filled with the requester's own. Each
// part is also kept compressed, on its own, so an answer in gzip costs no
// compression work: the parts' deflate blocks are sent in order, with each
// slot's bytes between them in a stored (uncompressed) block.
//
// That is also what keeps a secret safe from BREACH on a page that shows
// it beside text others typed: every part is compressed with a compressor
// of its own, which cannot refer to anything outside the part, and the
// secret is stored as it is. So the compressed size of each part, and of
// the answer, does not depend on the secret at all; what a guest types can
// change only the size of the part it is in, whatever the secret is.
type keptPage struct {
	parts [][]byte // the page between its slots
	slots []slot   // what goes between parts[i] and parts[i+1]
	gz    [][]byte // each part as deflate blocks ending in a sync flush
	size  int      // the bytes parts and slots come to, secret not counted
	etag  []string // its ETag header's value, made once (nil: sent without one)
}

// slot is one gap in a kept page.
type slot uint8

const (
	retapSlot  slot = iota // a fresh one-time key
	secretSlot             // the requester's secret, as given
	deviceSlot             // the requester's device's name
)

// keepPage splits page at its slots and compresses each part. It keeps a
// copy of page, which stays the caller's (a pooled render buffer).
func keepPage(page []byte) (*keptPage, error) {
	k := &keptPage{}
	page = bytes.Clone(page)
	for {
		at, which := -1, retapSlot
		for s, m := range slotMarks {
			if i := bytes.Index(page, m); i >= 0 && (at < 0 || i < at) {
				at, which = i, slot(s)
			}
		}
		if at < 0 {
			k.parts = append(k.parts, page)
			break
		}
		k.parts = append(k.parts, page[:at])
		k.slots = append(k.slots, which)
		page = page[at+len(slotMarks[which]):]
	}
	// The parts' deflate blocks one after another in one buffer, kept as
	// one array: each part compressed on its own all the same.
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	fw := partWriters.Get().(*flate.Writer)
	defer partWriters.Put(fw)
	ends := make([]int, len(k.parts))
	for i, p := range k.parts {
		k.size += len(p)
		if len(p) > 0 {
			fw.Reset(buf)
			if _, err := fw.Write(p); err != nil {
				return nil, err
			}
			if err := fw.Flush(); err != nil { // byte-aligned, and not the last block
				return nil, err
			}
		}
		ends[i] = buf.Len()
	}
	all, start := bytes.Clone(buf.Bytes()), 0
	for _, end := range ends {
		k.gz = append(k.gz, all[start:end:end])
		start = end
	}
	return k, nil
}

// slotMarks are what a render writes for each slot.
var slotMarks = [...][]byte{retapSlot: []byte(views.RetapSlot), secretSlot: []byte(views.SecretSlot), deviceSlot: []byte(views.DeviceSlot)}

// partWriters are the compressors keepPage uses, reset for each part: a
// new one allocates some 700 KB of tables, several times what the rest of
// a kept page's render allocates, and a guest's page at a new version (the
// page a no-JS request is sent to) is a new kept page.
var partWriters = sync.Pool{New: func() any {
	fw, err := flate.NewWriter(nil, flate.DefaultCompression)
	if err != nil {
		panic(err) // only for a level out of range
	}
	return fw
}}

// fills are the bytes for an answer's slots: a fresh key for each
// retapSlot, and the secret and the device's name, HTML-escaped.
func (k *keptPage) fills(secret, device string) [][]byte {
	if len(k.slots) == 0 {
		return nil
	}
	given := [...]string{secretSlot: html.EscapeString(secret), deviceSlot: html.EscapeString(device)}
	// One array holds them all: a page has a few slots, sent often.
	arena := make([]byte, 0, len(k.slots)*len(views.RetapSlot)+len(given[secretSlot])+len(given[deviceSlot]))
	out := make([][]byte, len(k.slots))
	for i, s := range k.slots {
		start := len(arena)
		if s == retapSlot {
			arena = append(arena, rand.Text()...)
		} else {
			arena = append(arena, given[s]...)
		}
		out[i] = arena[start:len(arena):len(arena)]
	}
	return out
}

// writePlain writes the page with fills in its slots.
func (k *keptPage) writePlain(w *bytes.Buffer, fills [][]byte) {
	for i, p := range k.parts {
		w.Write(p)
		if i < len(fills) {
			w.Write(fills[i])
		}
	}
}

// gzipHeader is a gzip member's header: deflate, no name, no time, no
// flags, an unknown OS (RFC 1952).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// writeGzip writes the page with fills in its slots as one gzip member:
// the parts' kept deflate blocks, each fill in a stored block, an empty
// final block and the trailer.
func (k *keptPage) writeGzip(w *bytes.Buffer, fills [][]byte) {
	w.Write(gzipHeader)
	crc, size := uint32(0), 0
	for i, p := range k.parts {
		w.Write(k.gz[i])
		crc, size = crc32.Update(crc, crc32.IEEETable, p), size+len(p)
		if i < len(fills) {
			storedBlock(w, fills[i], false)
			crc, size = crc32.Update(crc, crc32.IEEETable, fills[i]), size+len(fills[i])
		}
	}
	storedBlock(w, nil, true)
	w.Write(binary.LittleEndian.AppendUint32(nil, crc))
	w.Write(binary.LittleEndian.AppendUint32(nil, uint32(size)))
}

// storedBlock writes b as deflate stored blocks (RFC 1951 3.2.4), at a
// byte boundary, as every kept part ends; final marks the stream's last.
func storedBlock(w *bytes.Buffer, b []byte, final bool) {
	for {
		n := min(len(b), 0xffff)
		head := byte(0)
		if final && n == len(b) {
			head = 1
		}
		w.WriteByte(head)
		w.Write(binary.LittleEndian.AppendUint16(nil, uint16(n)))
		w.Write(binary.LittleEndian.AppendUint16(nil, ^uint16(n)))
		w.Write(b[:n])
		b = b[n:]
		if len(b) == 0 {
			return
		}
	}
}

// acceptsGzip reports whether an Accept-Encoding header takes gzip: named
// (or *) without q=0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return !strings.HasPrefix(q, "q=0") || strings.HasPrefix(q, "q=0.") && strings.Trim(q[4:], "0") != ""
	}
	return false
}
