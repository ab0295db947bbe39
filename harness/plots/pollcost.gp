# One turn of an event loop (poller_wait with one fd ready + walking the ready list) against
# the number of fds watched, per poller, from bin/chat-pollcost (pollcost.csv). Needs
# pollfile (the CSV) and send_us (the calibrated CPU of one send()).
w = 750; h = 520
datafile = pollfile
load 'common.gp'
set title 'Cost of one event-loop turn vs watched fds (one fd ready; median)'
set logscale xy
set format x '%g'
set format y '%g'
set xlabel 'watched fds'
set ylabel 'time per turn (us)'
set xrange [7:14000]
pcolour(p) = p eq 'epoll' ? '#9467bd' : (p eq 'poll' ? '#ff7f0e' : '#1f77b4')
pmarker(p) = p eq 'epoll' ? 9 : (p eq 'poll' ? 5 : 7)
set arrow from 1024, graph 0 to 1024, graph 1 nohead dt 3 lc rgb '#888888'
set label 'FD\_SETSIZE: select stops' at 1024, graph 0.04 left offset 0.5, 0 tc rgb '#555555'
plot for [p in 'select poll epoll'] datafile \
        using (strcol('poller') eq p ? column('fds') : NaN):(column('turn_ns') / 1000.0) \
        with linespoints lw 2 pt pmarker(p) lc rgb pcolour(p) title p, \
     send_us with lines dt 2 lc rgb 'black' title sprintf('one send() (calibrated, %.3g us)', send_us)
