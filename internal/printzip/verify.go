package printzip

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"dsrdesk/internal/dsr"
)

// Verify checks a batch archive of size bytes read from r: it must hold one
// manifest.csv that ReadManifest accepts, every file the manifest lists
// (letters, and inner sheets in a batch of the protected route) with the
// listed SHA-256, the print shop's instructions (InstructionName) when the
// batch is of the protected route, and no other file. Errors are
// *dsr.Error with code dsr.EINVALID.
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

	listed := 1 // the manifest
	for _, row := range rows {
		if err := checkFile(files, row.File, row.SHA256); err != nil {
			return err
		}
		listed++
		if row.Protected() {
			if err := checkFile(files, row.InnerSheet, row.InnerSheetSHA256); err != nil {
				return err
			}
			listed++
		}
	}
	if rows[0].Protected() {
		f, ok := files[InstructionName]
		if !ok {
			return dsr.Errorf(dsr.EINVALID, "print.no_instruction", "The protected route's batch has no %s for the print shop.", InstructionName)
		}
		if _, err := fileSHA256(f); err != nil {
			return dsr.Errorf(dsr.EINVALID, "print.file_damaged", "%s in the batch is damaged.", InstructionName)
		}
		listed++
	}
	if extra := len(files) - listed; extra > 0 {
		// A name from an archive of unknown origin is not repeated: it could
		// hold anything.
		return dsr.Errorf(dsr.EINVALID, "print.unlisted_files", "The batch holds %d files the manifest does not list.", extra)
	}
	return nil
}

// checkFile checks that the archive holds a file the manifest lists, with
// its checksum.
func checkFile(files map[string]*zip.File, name, sha string) error {
	f, ok := files[name]
	if !ok {
		return dsr.Errorf(dsr.EINVALID, "print.file_missing", "The batch lacks %s, listed in the manifest.", name)
	}
	sum, err := fileSHA256(f)
	if err != nil {
		return dsr.Errorf(dsr.EINVALID, "print.file_damaged", "%s in the batch is damaged.", name)
	}
	if sum != sha {
		return dsr.Errorf(dsr.EINVALID, "print.checksum_mismatch", "%s does not match its checksum in the manifest.", name)
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
