# Server CPU time per delivered line against offered load, one panel per client count, with
# the calibrated cost of one small send() on loopback as the floor to compare with.
# Needs clients_list and send_us.
w = 1350; h = 500
load 'common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, words(clients_list) title \
    "Server CPU per delivered line vs offered load (lines: every copy written to a client, echo included)"
set logscale xy
set format y '%g'
set xlabel 'offered load (messages/s, all senders)'
set ylabel 'server CPU per delivery (us)'
do for [c in clients_list] {
    set title sprintf('%s clients', c)
    plot for [v in variants] datafile \
            using (pick(v, 'load', column('clients') == int(c) ? column('rate') : NaN)):(column('server_cpu_per_delivery_us')) \
            with linespoints lw 2 pt marker(v) lc rgb colour(v) title v, \
         send_us with lines dt 2 lc rgb 'black' title 'one send() (calibrated)'
}
unset multiplot
