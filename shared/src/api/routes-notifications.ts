/** The routes of the notification centre (one part of the API contract, merged into `API`). */
import { route } from './route';
import * as n from './notifications';

const tag = '通知 Notifications';

export const NOTIFICATION_ROUTES = {
  notifications: route({
    method: 'get',
    path: '/api/notifications',
    summary: '我的通知（按类别、未读筛选，分页）My notifications',
    tag,
    query: n.notificationsQuery,
    response: n.notificationsReply,
  }),
  readAll: route({ method: 'post', path: '/api/notifications/read-all', summary: '全部标为已读 Mark all read', tag, response: n.readAllReply }),
  readOne: route({
    method: 'post',
    path: '/api/notifications/{id}/read',
    summary: '标为已读 Mark one read',
    tag,
    params: n.notificationParams,
    response: n.readOneReply,
  }),
  notificationSettings: route({
    method: 'get',
    path: '/api/me/notification-settings',
    summary: '我的通知方式：邮箱、手机与各类通知的渠道 Where my notices reach me',
    tag,
    response: n.notificationSettingsReply,
  }),
  saveNotificationSettings: route({
    method: 'put',
    path: '/api/me/notification-settings',
    summary: '保存我的通知方式 Save where my notices reach me',
    tag,
    body: n.notificationSettings,
    response: n.notificationSettingsReply,
  }),
  deliveries: route({
    method: 'get',
    path: '/api/admin/deliveries',
    summary: '待发送与发送失败的通知（管理员）Deliveries waiting or failed (admin)',
    tag,
    response: n.deliveriesReply,
  }),
  retryDelivery: route({
    method: 'post',
    path: '/api/admin/deliveries/{id}/retry',
    summary: '重新发送（管理员）Send again (admin)',
    tag,
    params: n.deliveryParams,
    response: n.deliveryDto,
  }),
  dismissDelivery: route({
    method: 'post',
    path: '/api/admin/deliveries/{id}/dismiss',
    summary: '放弃发送（管理员；记入发送记录）Give a delivery up (admin)',
    tag,
    params: n.deliveryParams,
    status: 204,
  }),
};
