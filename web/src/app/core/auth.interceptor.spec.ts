import { TestBed } from '@angular/core/testing';
import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { AuthService } from './auth.service';

describe('the auth interceptor', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
  });

  it('sends the bearer token of the signed-in user', async () => {
    const auth = TestBed.inject(AuthService);
    auth.token.set('tok-123456789012345678901234');
    const http = TestBed.inject(HttpClient);
    const req = firstValueFrom(http.get('/api/me'));
    const ctl = TestBed.inject(HttpTestingController);
    const call = ctl.expectOne('/api/me');
    expect(call.request.headers.get('Authorization')).toBe('Bearer tok-123456789012345678901234');
    call.flush({ id: 'sup1' });
    await req;
  });

  it('on 401 forgets the session and goes to the login page', async () => {
    const auth = TestBed.inject(AuthService);
    auth.token.set('expired-token-0000000000000');
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
    const http = TestBed.inject(HttpClient);
    const req = firstValueFrom(http.get('/api/tasks')).catch((e: unknown) => e);
    TestBed.inject(HttpTestingController)
      .expectOne('/api/tasks')
      .flush({ code: 'UNAUTHENTICATED' }, { status: 401, statusText: 'Unauthorized' });
    await req;
    expect(auth.token()).toBeNull();
    expect(navigate).toHaveBeenCalledWith('/login');
  });
});
