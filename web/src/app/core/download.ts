import { HttpErrorResponse, type HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';

/**
 * Fetch a generated file (an export, a bound book) with the session's header and save it under
 * `filename`. A refusal comes back as a blob too: it is read as the API's JSON error, so callers
 * show its message like any other.
 */
export async function downloadFile(http: HttpClient, url: string, filename: string): Promise<void> {
  let blob: Blob;
  try {
    blob = await firstValueFrom(http.get(url, { responseType: 'blob' }));
  } catch (err) {
    if (err instanceof HttpErrorResponse && err.error instanceof Blob) {
      const text = await err.error.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: left as it is */
      }
      throw new HttpErrorResponse({
        error: parsed ?? text,
        status: err.status,
        statusText: err.statusText,
        url: err.url ?? undefined,
      });
    }
    throw err;
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
