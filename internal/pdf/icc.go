package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"math"
	"sync"
)

// srgbProfile is the ICC profile of the sRGB colour space (IEC 61966-2-1)
// that every letter declares as its output intent, as PDF/A asks. It is
// computed here from the standard's published constants rather than copied
// from a file, so there is no profile of unknown licence in the repository:
// a version 2.1 display profile with the sRGB primaries adapted to the D50
// connection space (Bradford) and the sRGB tone curve sampled at 64
// points, which interpolated is within a tenth of an 8-bit step of the
// exact curve. A finer table gains nothing visible and costs readers: the
// poppler-based ones build the colour transform anew for every page, 16 ms
// a page with 1,024 points against 1 ms with 64. It is built once and
// shared, already compressed, by every document.
var srgbProfile = sync.OnceValues(func() (raw, compressed []byte) {
	raw = buildSRGBProfile()
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestCompression) // the level is valid
	_, _ = zw.Write(raw)                                   // a bytes.Buffer does not fail
	_ = zw.Close()
	return raw, b.Bytes()
})

// The output condition the letters are made for, as the ICC registry names
// it.
const srgbCondition = "sRGB IEC61966-2.1"

// iccTag is one tag of an ICC profile: its signature and data.
type iccTag struct {
	sig  string
	data []byte
}

// buildSRGBProfile writes the profile: a 128-byte header, the tag table and
// the tags' data, each starting on a 4-byte boundary (ICC.1:2001-04).
func buildSRGBProfile() []byte {
	xyz := func(x, y, z float64) []byte {
		b := append([]byte("XYZ "), 0, 0, 0, 0)
		for _, v := range []float64{x, y, z} {
			b = binary.BigEndian.AppendUint32(b, uint32(s15Fixed16(v)))
		}
		return b
	}
	trc := append([]byte("curv"), 0, 0, 0, 0)
	const points = 64
	trc = binary.BigEndian.AppendUint32(trc, points)
	for i := range points {
		trc = binary.BigEndian.AppendUint16(trc, uint16(math.Round(srgbToLinear(float64(i)/(points-1))*65535)))
	}
	tags := []iccTag{
		{"desc", textDescription(srgbCondition)},
		{"cprt", append(append([]byte("text"), 0, 0, 0, 0), "No copyright, use freely\x00"...)},
		// The display's white, D65; the colorants are adapted to D50.
		{"wtpt", xyz(0.9505, 1, 1.0891)},
		{"rXYZ", xyz(0.4360747, 0.2225045, 0.0139322)},
		{"gXYZ", xyz(0.3850649, 0.7168786, 0.0971045)},
		{"bXYZ", xyz(0.1430804, 0.0606169, 0.7141733)},
		{"rTRC", trc},
		{"gTRC", trc}, // the three curves share one copy of their data
		{"bTRC", trc},
	}

	const headerSize = 128
	tableSize := 4 + 12*len(tags)
	type placed struct{ offset, size int }
	at := make([]placed, len(tags))
	var data []byte
	offset := headerSize + tableSize
	for i, t := range tags {
		if i > 0 && bytes.Equal(t.data, tags[i-1].data) {
			at[i] = at[i-1]
			continue
		}
		at[i] = placed{offset + len(data), len(t.data)}
		data = append(data, t.data...)
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
	}
	size := offset + len(data)

	p := make([]byte, 0, size)
	p = binary.BigEndian.AppendUint32(p, uint32(size))
	p = append(p, 0, 0, 0, 0)                         // preferred CMM: none
	p = binary.BigEndian.AppendUint32(p, 0x02100000)  // version 2.1.0
	p = append(p, "mntrRGB XYZ "...)                  // display device, RGB data, XYZ connection space
	for _, v := range []uint16{2026, 1, 1, 0, 0, 0} { // a fixed date keeps the letters' bytes reproducible
		p = binary.BigEndian.AppendUint16(p, v)
	}
	p = append(p, "acsp"...)
	p = append(p, make([]byte, 4+4+4+4+8+4)...)      // platform, flags, manufacturer, model, attributes, perceptual intent
	for _, v := range []float64{0.9642, 1, 0.8249} { // the connection space's illuminant, D50
		p = binary.BigEndian.AppendUint32(p, uint32(s15Fixed16(v)))
	}
	p = append(p, make([]byte, headerSize-len(p))...) // creator and reserved bytes

	p = binary.BigEndian.AppendUint32(p, uint32(len(tags)))
	for i, t := range tags {
		p = append(p, t.sig...)
		p = binary.BigEndian.AppendUint32(p, uint32(at[i].offset))
		p = binary.BigEndian.AppendUint32(p, uint32(at[i].size))
	}
	return append(p, data...)
}

// textDescription is an ICC v2 textDescriptionType with an ASCII text and
// no Unicode or ScriptCode version.
func textDescription(s string) []byte {
	b := append([]byte("desc"), 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)+1))
	b = append(b, s...)
	b = append(b, 0)
	b = append(b, make([]byte, 4+4)...)    // Unicode language and count
	b = append(b, make([]byte, 2+1+67)...) // ScriptCode code, count and its fixed field
	return b
}

// s15Fixed16 is v as ICC's signed 15.16 fixed-point number.
func s15Fixed16(v float64) int32 { return int32(math.Round(v * 65536)) }

// srgbToLinear is the sRGB transfer function: a non-linear component value
// in [0, 1] as linear light.
func srgbToLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}
