/**
 * The venue calendar over HTTP (rooms, a week of sessions, booking, moving, cancelling, naming the
 * witness on duty) and the hall board, which anyone may read (the hall's screen signs in as no one).
 */
import { Router } from 'express';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import { chinaToday, type VenueCalendar } from './venue-calendar';

export function venuesRouter(venues: VenueCalendar): { publicRoutes: Router; routes: Router } {
  const publicRoutes = Router();
  bind(publicRoutes, API.hallBoard, async ({ res }) => {
    res.setHeader('cache-control', 'no-store');
    return venues.board();
  });

  const r = Router();
  const staffOnly = (roles: readonly string[]) => {
    if (roles.includes('external') || roles.includes('integration'))
      throw forbidden('场地安排只对中心工作人员开放', "The venue calendar is for the center's staff");
  };
  bind(r, API.venueRooms, async ({ user }) => {
    staffOnly(user.roles);
    return { items: (await venues.rooms()).map(({ _id, ...room }) => ({ id: _id, ...room })) };
  });
  bind(r, API.saveVenueRoom, async ({ user, body }) => {
    const { id, ...room } = body;
    await venues.saveRoom(user, { _id: id, ...room });
    return body;
  });
  bind(r, API.venueWeek, async ({ user, query }) => {
    staffOnly(user.roles);
    const from = query.from ?? chinaToday();
    const { rooms, days, sessions } = await venues.days(from, query.days);
    return { from, days, rooms: rooms.map(({ _id, ...room }) => ({ id: _id, ...room })), sessions };
  });
  bind(r, API.book, ({ user, body }) => venues.book(user, body));
  bind(r, API.booking, async ({ user, params }) => {
    staffOnly(user.roles);
    return venues.session(params.id);
  });
  bind(r, API.changeBooking, ({ user, params, body }) => venues.change(user, params.id, body));
  bind(r, API.cancelBooking, ({ user, params, body }) => venues.cancel(user, params.id, body.reason));
  bind(r, API.nameWitness, ({ user, params, body }) => venues.nameWitness(user, params.id, body.witness));
  return { publicRoutes, routes: r };
}
