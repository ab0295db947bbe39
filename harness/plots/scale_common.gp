# What the scale plots (scale.gp, scale_idle.gp) share: one line per design, a design being a
# server and its --poller. The caller sets series_list, e.g. 'async/select async/epoll
# threaded/-' ('-': no --poller given, as for chat-threaded).
sv(s) = s[1:strstrt(s, '/') - 1]
sp(s) = (s[strstrt(s, '/') + 1:] eq '-') ? '' : s[strstrt(s, '/') + 1:]
stitle(s) = sp(s) eq '' ? sv(s) : sprintf('%s --poller %s', sv(s), sp(s))
scolour(s) = sv(s) eq 'threaded' ? '#d62728' : (sv(s) eq 'hybrid' ? '#2ca02c' : \
    (sp(s) eq 'epoll' ? '#9467bd' : (sp(s) eq 'poll' ? '#ff7f0e' : '#1f77b4')))
sdash(s) = sv(s) eq 'hybrid' ? 2 : 1
pickp(s, k, x) = (ok(sv(s), k) && strcol('poller') eq sp(s)) ? x : NaN
