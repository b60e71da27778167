import Link from "next/link";

export default function NotFound() {
  return (
    <div className="grid min-h-screen place-items-center text-center">
      <div>
        <h1 className="text-xl font-semibold">Page not found</h1>
        <p className="mt-2 text-sm text-muted">There is nothing at this address.</p>
        <Link href="/" className="mt-4 inline-block text-sm text-accent hover:underline">
          Back to the overview
        </Link>
      </div>
    </div>
  );
}
