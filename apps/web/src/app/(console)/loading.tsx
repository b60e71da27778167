export default function ConsoleLoading() {
  return (
    <div className="animate-pulse" role="status" aria-busy="true" aria-label="Loading">
      <div className="mb-5 h-6 w-48 rounded bg-foreground/10" />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        {["a", "b", "c", "d", "e", "f"].map((key) => (
          <div key={key} className="h-16 rounded-lg bg-foreground/5" />
        ))}
      </div>
      <div className="mt-5 h-72 rounded-lg bg-foreground/5" />
    </div>
  );
}
