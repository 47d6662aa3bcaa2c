%% The core runtime's benchmarks on the BEAM, for scripts/bench-peers.sh:
%% the same work, message shapes and counts as tests/bench/core/ (see
%% bench_support.h there), timed with erlang:monotonic_time. Run with the
%% same scheduler count as the others:
%%   erlc beam_bench.erl && erl +S 2:2 -noshell -eval 'beam_bench:main(), halt().'
%% Prints one "metric value" line per figure.
%%
%% The processes that receive many messages while they work (the spawner,
%% which gets 100k done messages while it is still spawning, and the N-to-1
%% sink) use {message_queue_data, off_heap}, as OTP advises for such
%% processes: with the default, each garbage collection of the spawner
%% scans its growing queue and spawn+exit runs about 25 times slower.
-module(beam_bench).
-behaviour(gen_server).
-export([main/0]).
-export([init/1, handle_call/3, handle_cast/2]).

-define(SPAWNS, 100000).
-define(IDLE_PROCESSES, 100000).
-define(ROUND_TRIPS, 100000).
-define(SENDERS, 4).
-define(PER_SENDER, 250000).
-define(CALLS_INSIDE, 100000).
-define(BATCHES, 3).
-define(MANY_MESSAGES, [{message_queue_data, off_heap}]).

main() ->
    report(spawn_exit_per_s, in_process(fun spawn_exit/0, ?MANY_MESSAGES)),
    {Info, VmGrowth, RssGrowth} = in_process(fun idle_memory/0),
    report(idle_process_info_bytes, Info),
    report(idle_vm_bytes_per_process, VmGrowth),
    report(idle_rss_bytes_per_process, RssGrowth),
    report(ping_pong_per_s, in_process(fun ping_pong/0)),
    report(n_to_1_per_s, in_process(fun n_to_1/0)),
    report(call_inside_per_s, in_process(fun call_inside/0)),
    ok.

report(Name, Value) -> io:format("~s ~.1f~n", [Name, float(Value)]).

%% Runs Fun in a fresh process, so that each benchmark starts with a small
%% heap and an empty mailbox.
in_process(Fun) -> in_process(Fun, []).

in_process(Fun, Options) ->
    Self = self(),
    {Pid, Ref} = spawn_opt(fun() -> Self ! {result, self(), Fun()} end,
                           [monitor | Options]),
    receive
        {result, Pid, Value} ->
            receive {'DOWN', Ref, process, Pid, _} -> ok end,
            Value;
        {'DOWN', Ref, process, Pid, Reason} -> error({benchmark_failed, Reason})
    end.

%% One untimed warm-up batch, then ?BATCHES timed ones: items per second.
rate(PerBatch, Batch) ->
    Batch(),
    T0 = erlang:monotonic_time(nanosecond),
    lists:foreach(fun(_) -> Batch() end, lists:seq(1, ?BATCHES)),
    T1 = erlang:monotonic_time(nanosecond),
    PerBatch * ?BATCHES * 1.0e9 / (T1 - T0).

%% At most, not exactly: a process of an earlier benchmark may end meanwhile.
wait_process_count(Count) ->
    case erlang:system_info(process_count) of
        N when N =< Count -> ok;
        _ -> erlang:yield(), wait_process_count(Count)
    end.

%% -- spawn+exit: each child tells its parent it ran, then ends -----------

spawn_exit() ->
    Base = erlang:system_info(process_count),
    rate(?SPAWNS, fun() ->
        spawn_children(?SPAWNS, self()),
        await_done(?SPAWNS),
        wait_process_count(Base)
    end).

spawn_children(0, _) -> ok;
spawn_children(N, Parent) ->
    spawn(fun() -> Parent ! done end),
    spawn_children(N - 1, Parent).

await_done(0) -> ok;
await_done(N) -> receive done -> await_done(N - 1) end.

%% -- idle memory ---------------------------------------------------------

idle_memory() ->
    Base = erlang:system_info(process_count),
    erlang:garbage_collect(),
    {memory, Self0} = erlang:process_info(self(), memory),
    Vm0 = erlang:memory(total),
    Rss0 = rss(),
    Pids = [spawn(fun idle/0) || _ <- lists:seq(1, ?IDLE_PROCESSES)],
    Rss1 = rss(),
    Vm1 = erlang:memory(total),
    {memory, Self1} = erlang:process_info(self(), memory),
    {memory, Info} = erlang:process_info(hd(Pids), memory),
    %% The list of pids grows this process's heap: not the processes' cost.
    Own = Self1 - Self0,
    [exit(P, kill) || P <- Pids],
    wait_process_count(Base),
    {Info, (Vm1 - Vm0 - Own) / ?IDLE_PROCESSES,
     (Rss1 - Rss0 - Own) / ?IDLE_PROCESSES}.

idle() -> receive stop -> ok end.

rss() ->
    {ok, Statm} = file:read_file("/proc/self/statm"),
    [_, Resident | _] = binary:split(Statm, <<" ">>, [global]),
    binary_to_integer(Resident) * 4096.

%% -- ping-pong -----------------------------------------------------------

ping_pong() ->
    Ponger = spawn_link(fun ponger/0),
    rate(?ROUND_TRIPS, fun() -> ping(Ponger, ?ROUND_TRIPS) end).

ponger() ->
    receive {ping, From, N} -> From ! {pong, N}, ponger() end.

ping(_, 0) -> ok;
ping(Peer, N) ->
    Peer ! {ping, self(), N},
    receive {pong, N} -> ping(Peer, N - 1) end.

%% -- N senders to one receiver -------------------------------------------

n_to_1() ->
    Sink = spawn_opt(fun() -> sink(0, none) end, [link | ?MANY_MESSAGES]),
    Senders = [spawn_link(fun sender/0) || _ <- lists:seq(1, ?SENDERS)],
    PerBatch = ?SENDERS * ?PER_SENDER,
    Counter = counters:new(1, []),
    rate(PerBatch, fun() ->
        [S ! {go, Sink, ?PER_SENDER} || S <- Senders],
        counters:add(Counter, 1, PerBatch),
        Total = counters:get(Counter, 1),
        Sink ! {wait_for, Total, self()},
        receive {received, Total} -> ok end
    end).

sender() ->
    receive {go, Sink, N} -> send_items(Sink, N), sender() end.

send_items(_, 0) -> ok;
send_items(Sink, N) -> Sink ! {item, N}, send_items(Sink, N - 1).

sink(Received, Waiter) ->
    receive
        {item, _} -> maybe_reply(Received + 1, Waiter);
        {wait_for, Total, From} -> maybe_reply(Received, {Total, From})
    end.

maybe_reply(Received, {Total, From}) when Received >= Total ->
    From ! {received, Total},
    sink(Received, none);
maybe_reply(Received, Waiter) -> sink(Received, Waiter).

%% -- gen_server calls ----------------------------------------------------

call_inside() ->
    {ok, Server} = gen_server:start_link(?MODULE, 0, []),
    rate(?CALLS_INSIDE, fun() -> calls(Server, ?CALLS_INSIDE) end).

calls(_, 0) -> ok;
calls(Server, N) -> _ = gen_server:call(Server, get), calls(Server, N - 1).

init(Count) -> {ok, Count}.
handle_call(get, _From, Count) -> {reply, Count + 1, Count + 1}.
handle_cast(_, Count) -> {noreply, Count}.
