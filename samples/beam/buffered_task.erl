%% The seed's BufferedTask closure capture, on a real BEAM node, in plain
%% Erlang (OTP only, no Elixir): a buffering gen_server with a large state
%% that starts its batches as tasks under a task supervisor.
%%
%%   buffered_task_sup (one_for_one)
%%     buffered_task_tasks   simple_one_for_one, temporary children: the
%%                           task supervisor
%%     buffered_task         the fetcher: a queue of entries in its state
%%   buffered_task_producer  calls buffered_task:buffer/2 with a timeout, as
%%                           the catch-up fetcher did, and logs time-outs
%%
%% Mode closure: each task is started with a fun that captured the whole
%% fetcher state (the seed's bug): the fun is copied into the task
%% supervisor's mailbox, then into the task. Mode function: the task gets
%% the module, function and its batch only (the seed's fix).
%%
%% Start:  erl -sname bt -pa samples/beam -eval 'buffered_task:start(closure)'
%% (compile first: erlc -o samples/beam samples/beam/buffered_task.erl)
-module(buffered_task).
-behaviour(gen_server).

-export([start/1, buffer/2, run_batch/1, start_task/1, producer/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(FLUSH_MS, 100).
-define(MAX_BATCH, 10).
-define(MAX_CONCURRENCY, 4).
-define(INITIAL_ENTRIES, 100000).
-define(TASK_MS, 150).

start(Mode) when Mode =:= closure; Mode =:= function ->
    {ok, Sup} = supervisor:start_link({local, buffered_task_sup}, buffered_task_sup_cb,
                                      Mode),
    unlink(Sup),
    register(buffered_task_producer, spawn(?MODULE, producer, [])),
    ok.

buffer(Entries, Timeout) ->
    gen_server:call(?MODULE, {buffer, Entries}, Timeout).

%% The task supervisor's child start: runs the fun, or the batch.
start_task(Work) ->
    {ok, proc_lib:spawn_link(fun() -> run(Work) end)}.

run({closure, Fun}) -> Fun();
run({batch, Batch}) -> run_batch(Batch).

run_batch(Batch) ->
    timer:sleep(?TASK_MS),  % the JSON-RPC request of the seed
    length(Batch).

%% gen_server
init(Mode) ->
    %% Entries as the seed's: a block number and a 66-byte hash binary.
    Entries = [#{block_number => N, hash_data => hash(N)} || N <- lists:seq(1, ?INITIAL_ENTRIES)],
    erlang:send_after(?FLUSH_MS, self(), flush),
    {ok, #{mode => Mode, buffer => queue:from_list(Entries), tasks => 0}}.

handle_call({buffer, Entries}, _From, State = #{buffer := Q}) ->
    {reply, ok, State#{buffer := queue:join(Q, queue:from_list(Entries))}}.

handle_cast(_Msg, State) -> {noreply, State}.

handle_info(flush, State) ->
    erlang:send_after(?FLUSH_MS, self(), flush),
    {noreply, spawn_batches(?MAX_CONCURRENCY, State)};
handle_info({'EXIT', _, _}, State) ->
    {noreply, State};
handle_info(_Msg, State) ->
    {noreply, State}.

spawn_batches(0, State) -> State;
spawn_batches(N, State = #{mode := Mode, buffer := Q}) ->
    case take(?MAX_BATCH, Q, []) of
        {[], _} -> State;
        {Batch, Rest} ->
            Work = case Mode of
                       %% The fun refers to State: the whole state, queue and
                       %% all, is captured and copied with it.
                       closure -> {closure, fun() -> run_batch(Batch), maps:size(State) end};
                       function -> {batch, Batch}
                   end,
            {ok, _} = supervisor:start_child(buffered_task_tasks, [Work]),
            spawn_batches(N - 1, State#{buffer := Rest})
    end.

take(0, Q, Acc) -> {lists:reverse(Acc), Q};
take(N, Q, Acc) ->
    case queue:out(Q) of
        {{value, E}, Rest} -> take(N - 1, Rest, [E | Acc]);
        {empty, Q} -> {lists:reverse(Acc), Q}
    end.

%% "0x" and 64 hex digits: 66 bytes, so a refc binary off the heap.
hash(N) ->
    iolist_to_binary(io_lib:format("0x~64.16.0b", [N])).

%% The catch-up producer: new entries every 50 ms, through a call with a
%% timeout, as the seed's catchup fetcher called async_fetch.
producer() -> producer(?INITIAL_ENTRIES + 1).

producer(Next) ->
    Entries = [#{block_number => N, hash_data => hash(N)} || N <- lists:seq(Next, Next + 99)],
    T0 = erlang:monotonic_time(millisecond),
    try buffer(Entries, 1000) of
        ok -> ok
    catch
        exit:{timeout, _} ->
            logger:warning("buffer call timed out after ~b ms",
                           [erlang:monotonic_time(millisecond) - T0])
    end,
    timer:sleep(50),
    producer(Next + 100).
