package printzip

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"dsrdesk/internal/dsr"
)

// Verify checks a batch archive of size bytes read from r: it must hold one
// manifest.csv that ReadManifest accepts, every file the manifest lists with
// the listed SHA-256, and no other file. Errors are *dsr.Error with code
// dsr.EINVALID.
func Verify(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return dsr.Errorf(dsr.EINVALID, "print.not_zip", "The batch is not a readable ZIP archive.")
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return dsr.Errorf(dsr.EINVALID, "print.duplicate_file", "The batch holds two files of the same name.")
		}
		files[f.Name] = f
	}
	mf, ok := files[ManifestName]
	if !ok {
		return dsr.Errorf(dsr.EINVALID, "print.no_manifest", "The batch has no %s.", ManifestName)
	}
	rc, err := mf.Open()
	if err != nil {
		return dsr.Errorf(dsr.EINVALID, "print.manifest_unreadable", "The batch's %s cannot be read.", ManifestName)
	}
	rows, err := ReadManifest(rc)
	rc.Close()
	if err != nil {
		return err
	}

	for _, row := range rows {
		f, ok := files[row.File]
		if !ok {
			return dsr.Errorf(dsr.EINVALID, "print.file_missing", "The batch lacks %s, listed in the manifest.", row.File)
		}
		sum, err := fileSHA256(f)
		if err != nil {
			return dsr.Errorf(dsr.EINVALID, "print.file_damaged", "%s in the batch is damaged.", row.File)
		}
		if sum != row.SHA256 {
			return dsr.Errorf(dsr.EINVALID, "print.checksum_mismatch", "%s does not match its checksum in the manifest.", row.File)
		}
	}
	if extra := len(files) - 1 - len(rows); extra > 0 {
		// A name from an archive of unknown origin is not repeated: it could
		// hold anything.
		return dsr.Errorf(dsr.EINVALID, "print.unlisted_files", "The batch holds %d files the manifest does not list.", extra)
	}
	return nil
}

// fileSHA256 hashes a file of the archive; reading it to the end also checks
// its CRC-32.
func fileSHA256(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
