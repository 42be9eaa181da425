package web

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"dsrdesk/internal/dsr"
)

// maxBuckets bounds the API limiter's memory (about a hundred bytes a
// bucket) under a spray of addresses or made-up tokens.
const maxBuckets = 100_000

// apiLimiter holds one token bucket per API caller: per bearer token, and
// per client address for calls without a valid token. A bucket unused for
// long enough to have filled up again is no different from a new one, so
// it is dropped.
type apiLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

// newAPILimiter returns a limiter of perSecond requests a second on
// average and burst at once; 10 and 50 when zero.
func newAPILimiter(perSecond float64, burst int, now func() time.Time) *apiLimiter {
	if perSecond <= 0 {
		perSecond = 10
	}
	if burst <= 0 {
		burst = 50
	}
	return &apiLimiter{limit: rate.Limit(perSecond), burst: burst, now: now, buckets: map[string]*bucket{}}
}

// take spends one request of key's bucket; when the bucket is empty it
// reports how long until it holds one again.
func (l *apiLimiter) take(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		l.sweep(now)
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.used = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request costs nothing
		return false, d
	}
	return true, 0
}

// sweep drops the buckets that have filled up again, at most once a
// minute or when the map is full; if that is not enough, it starts over.
func (l *apiLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute && len(l.buckets) < maxBuckets {
		return
	}
	l.swept = now
	full := time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.used) >= full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		l.buckets = map[string]*bucket{}
	}
}

// tokenKey names a bearer token's bucket without keeping the token.
func tokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "token:" + hex.EncodeToString(sum[:16])
}

// addrKey names the bucket of a call without a valid token: the
// connection's peer address (a forwarded-for header could be made up).
func addrKey(c *gin.Context) string {
	if peer, err := netip.ParseAddrPort(c.Request.RemoteAddr); err == nil {
		return "addr:" + peer.Addr().Unmap().String()
	}
	return "addr:" + c.Request.RemoteAddr
}

// rateLimited spends one request of key's bucket, or answers 429 Too Many
// Requests with a Retry-After header and reports true.
func (s *Server) rateLimited(c *gin.Context, key string) bool {
	ok, wait := s.apiLimits.take(key)
	if ok {
		return false
	}
	e := dsr.AsError(dsr.Errorf(dsr.EUNAVAILABLE, "api.rate_limited", "Too many requests. Wait a moment and try again."))
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	var body apiError
	body.Error.Code, body.Error.Message = "rate_limited", e.Message
	c.AbortWithStatusJSON(http.StatusTooManyRequests, body)
	return true
}
