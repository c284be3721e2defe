package storage

import (
	"cmp"
	"context"
	"errors"
	"io"
)

// CopyOptions tune one Copy. The zero value uses the storage's conflict
// policy, as SaveOptions does.
type CopyOptions struct {
	// Conflict says what Copy does when dst is taken, as for Save: Rename
	// copies to an available name (returned by Copy), Overwrite replaces
	// dst, Fail returns an error matching ErrExist and changes nothing.
	Conflict ConflictPolicy
}

// Copy copies src to dst with the attributes of src, under the conflict
// policy (opts.Conflict, else the storage's), and returns the name it
// copied to: dst, or another name in dst's directory under Rename. It runs
// inside the backend where the driver can ([Driver.Copy]; for Fail and
// Rename an exclusive one), and streams the bytes through this process
// otherwise, verifying the source's checksum as they go.
func (s *Storage) Copy(ctx context.Context, dst, src string, opts CopyOptions) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	const op = "copy"
	if err := s.check(ctx, op, src); err != nil {
		return "", err
	}
	if err := s.check(ctx, op, dst); err != nil {
		return "", err
	}
	policy := opts.Conflict
	if policy == DefaultPolicy {
		policy = s.policy
	}
	if policy < Rename || policy > Fail {
		return "", errorf(op, dst, ErrInvalidArgument, "unknown conflict policy")
	}
	for renames := 0; ; renames++ {
		err := s.drv.Copy(ctx, s.location+dst, s.location+src, policy != Overwrite)
		if err == nil {
			return dst, nil
		}
		err = s.wrap(ctx, op, src, err)
		switch {
		case errors.Is(err, ErrUnsupported):
		case policy == Overwrite || !errors.Is(err, ErrExist):
			return "", err
		case policy == Fail:
			return "", errorf(op, dst, ErrExist, "")
		case renames < maxRenames && ctx.Err() == nil:
			if dst, err = s.nextName(op, dst, s.location+dst); err != nil {
				return "", err
			}
			continue
		default:
			return "", s.wrap(ctx, op, dst, err)
		}
		break
	}
	return s.copyStream(ctx, op, dst, src, policy)
}

// copyStream copies src to dst through this process: the source is read
// (verified against its checksum as it streams) and written with the
// policy; each new attempt reads the same version of the source again.
func (s *Storage) copyStream(ctx context.Context, op, dst, src string, policy ConflictPolicy) (string, error) {
	open := func(version string) (io.ReadCloser, *Attributes, error) {
		body, a, err := s.read(ctx, op, src, ReadRequest{Length: -1, Version: version})
		if err != nil {
			return nil, nil, err
		}
		return &ctxReader{ctx: ctx, s: s, name: src, rc: body, check: newReadCheck(a)}, a, nil
	}
	body, a, err := open("")
	if err != nil {
		return "", err
	}
	in := &input{r: body, size: a.Size, closer: body}
	in.reopen = func() (io.Reader, error) {
		in.closer.Close()
		body, _, err := open(cmp.Or(a.Version, a.ETag))
		if err != nil {
			return nil, err
		}
		in.closer = body
		return body, nil
	}
	wo := &WriteOptions{
		ContentType: a.ContentType, CacheControl: a.CacheControl, ContentDisposition: a.ContentDisposition,
		ContentEncoding: a.ContentEncoding, ContentLanguage: a.ContentLanguage, Metadata: a.Metadata, Size: a.Size,
	}
	return s.write(ctx, op, dst, in, wo, policy)
}
