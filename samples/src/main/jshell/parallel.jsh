// jparallel in JShell: snippets (methods, records, variables) run on worker JVMs.
//   jshell --class-path "samples/target/jparallel-samples.jar:samples/target/lib/*" samples/src/main/jshell/parallel.jsh
import org.jparallel.*;
import static org.jparallel.Parallel.delayed;

int twice(int x) { return 2 * x; }
record Point(int x, int y) { }
int k = 5;

List<Integer> inSession = List.of(1, 2, 3).stream().map(x -> twice(x) + k + new Point(x, 1).x()).toList();
List<Integer> onWorkers = Parallel.of(2).map(delayed((Integer x) -> twice(x) + k + new Point(x, 1).x()), List.of(1, 2, 3));
System.out.println("in the session: " + inSession);
System.out.println("on workers:     " + onWorkers);

// Redefine a method and change a variable: the next call uses the new code and the new value.
int twice(int x) { return 20 * x; }
k = 7;
System.out.println("after redefining: " + Parallel.of(2).map(delayed((Integer x) -> twice(x) + k), List.of(1, 2, 3)));

// Where did they run?
long me = ProcessHandle.current().pid();
System.out.println("ran in other JVMs: " + Parallel.of(2).map(delayed((Integer x) -> ProcessHandle.current().pid() != me), List.of(1, 2)));
Parallel.shutdownWorkers();
/exit
